import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeControlKey, encodeRecordBatch } from '@fluxo/protocol';
import { decodeFetchedRecords } from '../../src/consumer/fetch-decode.js';

const value = (s: string) => Buffer.from(s);

function batch(baseOffset: bigint, values: string[], extra: Record<string, unknown> = {}): Buffer {
  return encodeRecordBatch({ baseOffset, records: values.map((v) => ({ value: value(v), timestamp: 5n })), ...extra });
}

describe('decodeFetchedRecords', () => {
  it('skips records before the fetch offset and drops a truncated last batch', () => {
    const whole = Buffer.concat([batch(0n, ['a', 'b', 'c']), batch(3n, ['d', 'e'])]);
    const cut = whole.subarray(0, whole.length - 5);
    const { records, nextOffset } = decodeFetchedRecords(cut, 1n, true, null);
    assert.deepEqual(
      records.map((r) => [r.offset, r.value!.toString()]),
      [
        [1n, 'b'],
        [2n, 'c'],
      ],
    );
    assert.equal(nextOffset, 3n);
  });

  it('hides aborted transactions under read_committed and skips control batches', () => {
    const producer = { producerId: 7n, producerEpoch: 0, isTransactional: true };
    const abortMarker = encodeRecordBatch({
      baseOffset: 2n,
      isControl: true,
      isTransactional: true,
      producerId: 7n,
      producerEpoch: 0,
      records: [{ key: encodeControlKey(0), value: Buffer.alloc(6) }],
    });
    const bytes = Buffer.concat([batch(0n, ['t1', 't2'], producer), abortMarker, batch(3n, ['plain'])]);
    const committed = decodeFetchedRecords(bytes, 0n, true, [{ producerId: 7n, firstOffset: 0n }]);
    assert.deepEqual(
      committed.records.map((r) => r.value!.toString()),
      ['plain'],
    );
    assert.equal(committed.nextOffset, 4n);
    const uncommitted = decodeFetchedRecords(bytes, 0n, true, null);
    assert.deepEqual(
      uncommitted.records.map((r) => r.value!.toString()),
      ['t1', 't2', 'plain'],
    );
  });

  it('detects a corrupted batch when checking CRCs', () => {
    const bytes = batch(0n, ['abc']);
    bytes[bytes.length - 2] ^= 0xff;
    assert.throws(() => decodeFetchedRecords(bytes, 0n, true, null), /crc/i);
  });
});
