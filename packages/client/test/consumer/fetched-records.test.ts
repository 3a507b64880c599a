import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BATCH_HEADER_SIZE,
  BATCH_OFFSET,
  CompressionType,
  crc32c,
  encodeControlKey,
  encodeRecordBatch,
  TimestampType,
} from '@fluxo/protocol';
import { CorruptRecordError, RecordDeserializationError } from '../../src/errors.js';
import type { ConsumerRecord } from '../../src/consumer/consumer-record.js';
import { type AbortedRange, type DrainTarget, FetchedRecords } from '../../src/consumer/fetched-records.js';
import { Serdes, type Deserializer } from '../../src/serde/serializers.js';

const value = (s: string) => Buffer.from(s);

function batch(baseOffset: bigint, values: string[], extra: Record<string, unknown> = {}): Buffer {
  return encodeRecordBatch({ baseOffset, records: values.map((v) => ({ value: value(v), timestamp: 5n })), ...extra });
}

function fetched<V = Buffer | null>(
  bytes: Buffer,
  fromOffset = 0n,
  options: { aborted?: AbortedRange[]; valueDeserializer?: Deserializer<V>; verifyCrc?: boolean } = {},
): FetchedRecords<Buffer | null, V> {
  return new FetchedRecords(bytes, fromOffset, options.verifyCrc ?? true, options.aborted ?? null, {
    topic: 't',
    partition: 3,
    keyDeserializer: Serdes.bytes,
    valueDeserializer: options.valueDeserializer ?? (Serdes.bytes as unknown as Deserializer<V>),
  });
}

function drainAll<V>(
  records: FetchedRecords<Buffer | null, V>,
  target: DrainTarget = { position: null, lastLeaderEpoch: -1 },
) {
  const out: ConsumerRecord<Buffer | null, V>[] = [];
  records.drain(out, Number.MAX_SAFE_INTEGER, target);
  return out;
}

/** Rewrites a batch's CRC after its record bytes were changed, so only the record-level checks can catch it. */
function withFixedCrc(bytes: Buffer): Buffer {
  bytes.writeUInt32BE(crc32c(bytes.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  return bytes;
}

describe('FetchedRecords', () => {
  it('skips records before the fetch offset and drops a truncated last batch', () => {
    const whole = Buffer.concat([batch(0n, ['a', 'b', 'c']), batch(3n, ['d', 'e'])]);
    const cut = whole.subarray(0, whole.length - 5);
    const records = fetched(cut, 1n);
    assert.equal(records.nextOffset, 3n);
    const target: DrainTarget = { position: 1n, lastLeaderEpoch: -1 };
    assert.deepEqual(
      drainAll(records, target).map((r) => [r.offset, r.value!.toString()]),
      [
        [1n, 'b'],
        [2n, 'c'],
      ],
    );
    assert.equal(records.done, true);
    assert.equal(target.position, 3n);
  });

  it('hands out at most the number asked for, decoding only those, and goes on where it stopped', () => {
    let calls = 0;
    const counting: Deserializer<string> = {
      deserialize: (d) => {
        calls++;
        return d === null ? null : d.toString();
      },
    };
    const records = fetched(Buffer.concat([batch(0n, ['a', 'b', 'c']), batch(3n, ['d', 'e'])]), 0n, {
      valueDeserializer: counting,
    });
    const target: DrainTarget = { position: 0n, lastLeaderEpoch: -1 };
    const first: ConsumerRecord<Buffer | null, string>[] = [];
    records.drain(first, 2, target);
    assert.deepEqual(
      first.map((r) => r.value),
      ['a', 'b'],
    );
    assert.equal(calls, 2);
    assert.equal(target.position, 2n);
    assert.ok(records.remainingBytes > 0);
    const rest: ConsumerRecord<Buffer | null, string>[] = [];
    records.drain(rest, 10, target);
    assert.deepEqual(
      rest.map((r) => [r.offset, r.value]),
      [
        [2n, 'c'],
        [3n, 'd'],
        [4n, 'e'],
      ],
    );
    assert.equal(calls, 5);
    assert.equal(records.done, true);
    assert.equal(records.remainingBytes, 0);
  });

  it('gives keys and values as views of the fetched bytes, not copies', () => {
    const bytes = batch(0n, ['abc']);
    const [record] = drainAll(fetched(bytes));
    assert.equal(record!.value!.buffer, bytes.buffer);
    assert.equal(record!.value!.toString(), 'abc');
  });

  it('decodes compressed batches, headers, null keys and both timestamp types', () => {
    const bytes = Buffer.concat([
      encodeRecordBatch({
        baseOffset: 10n,
        compression: CompressionType.gzip,
        partitionLeaderEpoch: 4,
        records: [
          { key: value('k'), value: value('v1'), timestamp: 100n, headers: [{ key: 'h', value: value('x') }] },
          { key: null, value: null, timestamp: 250n, headers: [{ key: 'n', value: null }] },
        ],
      }),
      encodeRecordBatch({
        baseOffset: 12n,
        timestampType: TimestampType.logAppendTime,
        maxTimestamp: 999n,
        records: [{ value: value('v3'), timestamp: 5n }],
      }),
    ]);
    const records = drainAll(fetched(bytes, 10n));
    assert.deepEqual(
      records.map((r) => ({
        offset: r.offset,
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
        timestamp: r.timestamp,
        timestampType: r.timestampType,
        headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
      })),
      [
        { offset: 10n, key: 'k', value: 'v1', timestamp: 100n, timestampType: 0, headers: [['h', 'x']] },
        { offset: 11n, key: null, value: null, timestamp: 250n, timestampType: 0, headers: [['n', null]] },
        { offset: 12n, key: null, value: 'v3', timestamp: 999n, timestampType: 1, headers: [] },
      ],
    );
    assert.equal(records[0]!.leaderEpoch, 4);
  });

  it('hides aborted transactions under read_committed, skips control batches and moves the position past them', () => {
    const producer = { producerId: 7n, producerEpoch: 0, isTransactional: true };
    const abortMarker = encodeRecordBatch({
      baseOffset: 2n,
      isControl: true,
      isTransactional: true,
      producerId: 7n,
      producerEpoch: 0,
      records: [{ key: encodeControlKey(0), value: Buffer.alloc(6) }],
    });
    const commitMarker = encodeRecordBatch({
      baseOffset: 4n,
      isControl: true,
      isTransactional: true,
      producerId: 8n,
      producerEpoch: 0,
      records: [{ key: encodeControlKey(1), value: Buffer.alloc(6) }],
    });
    const bytes = Buffer.concat([batch(0n, ['t1', 't2'], producer), abortMarker, batch(3n, ['plain']), commitMarker]);
    const committed = fetched(bytes, 0n, { aborted: [{ producerId: 7n, firstOffset: 0n }] });
    const target: DrainTarget = { position: 0n, lastLeaderEpoch: -1 };
    assert.deepEqual(
      drainAll(committed, target).map((r) => r.value!.toString()),
      ['plain'],
    );
    assert.equal(committed.nextOffset, 5n);
    assert.equal(target.position, 5n, 'a trailing control batch moves the position past it');
    assert.deepEqual(
      drainAll(fetched(bytes)).map((r) => r.value!.toString()),
      ['t1', 't2', 'plain'],
    );
  });

  it('hands out the records before a batch with a bad CRC, then fails naming the partition and offset, every time', () => {
    const bad = batch(2n, ['x', 'y']);
    bad[bad.length - 2]! ^= 0xff;
    const records = fetched(Buffer.concat([batch(0n, ['a', 'b']), bad, batch(4n, ['z'])]));
    assert.equal(records.nextOffset, 2n, 'the next fetch must not start past the corrupt batch');
    assert.equal(records.failed, true);
    const out: ConsumerRecord<Buffer | null, Buffer | null>[] = [];
    const target: DrainTarget = { position: 0n, lastLeaderEpoch: -1 };
    assert.throws(
      () => records.drain(out, 10, target),
      (err: unknown) => {
        assert.ok(err instanceof CorruptRecordError);
        assert.equal(err.name, 'CORRUPT_MESSAGE');
        assert.equal(err.code, 2);
        assert.equal(err.topic, 't');
        assert.equal(err.partition, 3);
        assert.equal(err.offset, 2n);
        assert.equal(err.lastOffset, 3n);
        assert.match(err.message, /t-3 at offset 2 .*CRC32C/);
        return true;
      },
    );
    assert.deepEqual(
      out.map((r) => r.value!.toString()),
      ['a', 'b'],
    );
    assert.equal(target.position, 2n);
    assert.throws(() => records.drain([], 10, target), CorruptRecordError);
    assert.equal(records.done, false);
  });

  it('does not check CRCs when check.crcs is off', () => {
    const bad = batch(0n, ['x']);
    bad[BATCH_OFFSET.crc]! ^= 0xff;
    assert.deepEqual(
      drainAll(fetched(bad, 0n, { verifyCrc: false })).map((r) => r.value!.toString()),
      ['x'],
    );
  });

  it('fails a batch whose records are malformed although its CRC matches', () => {
    const bad = batch(5n, ['abc']);
    bad[BATCH_HEADER_SIZE] = 0x7e; // the record's length varint now claims 63 bytes
    const records = fetched(withFixedCrc(bad), 5n);
    assert.throws(
      () => drainAll(records),
      (err: unknown) => err instanceof CorruptRecordError && err.offset === 5n && /record length/.test(err.message),
    );
    assert.throws(() => drainAll(records), CorruptRecordError);
  });

  it('fails a compressed batch that does not decompress', () => {
    const bad = encodeRecordBatch({
      baseOffset: 0n,
      compression: CompressionType.gzip,
      records: [{ value: value('v') }],
    });
    bad.fill(0x55, BATCH_HEADER_SIZE);
    assert.throws(() => drainAll(fetched(withFixedCrc(bad))), CorruptRecordError);
  });

  it('a throwing deserializer fails at its record, after the ones before it, until the caller seeks past', () => {
    const strict: Deserializer<string> = {
      deserialize: (d) => {
        if (d?.toString() === 'bad') throw new SyntaxError('not a good value');
        return d?.toString() ?? null;
      },
    };
    const records = fetched(batch(0n, ['a', 'bad', 'c']), 0n, { valueDeserializer: strict });
    const out: ConsumerRecord<Buffer | null, string>[] = [];
    const target: DrainTarget = { position: 0n, lastLeaderEpoch: -1 };
    for (let attempt = 0; attempt < 2; attempt++) {
      assert.throws(
        () => records.drain(out, 10, target),
        (err: unknown) => {
          assert.ok(err instanceof RecordDeserializationError);
          assert.equal(err.name, 'RECORD_DESERIALIZATION_EXCEPTION');
          assert.deepEqual([err.topic, err.partition, err.offset, err.origin], ['t', 3, 1n, 'value']);
          assert.ok(err.cause instanceof SyntaxError);
          assert.match(err.message, /value for partition t-3 at offset 1: not a good value/);
          return true;
        },
      );
    }
    assert.deepEqual(
      out.map((r) => r.value),
      ['a'],
    );
    assert.equal(target.position, 1n);
  });

  it('has nothing to hand out when the answer holds only part of a batch', () => {
    const bytes = batch(0n, ['a', 'b']);
    const records = fetched(bytes.subarray(0, bytes.length - 1));
    assert.equal(records.done, true);
    assert.equal(records.nextOffset, 0n);
    assert.deepEqual(drainAll(records), []);
  });
});
