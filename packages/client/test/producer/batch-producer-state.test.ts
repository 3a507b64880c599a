import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CompressionType, checkBatch, decodeRecordBatch, encodeRecordBatch } from '@fluxo/protocol';
import { carriesProducerState, withProducerState } from '../../src/producer/batch-producer-state.js';

describe('rewriting a batch header for a new epoch', () => {
  it('sets producer id, epoch and base sequence, re-signs the CRC, and leaves the compressed records as they were', () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      key: Buffer.from(`k${i}`),
      value: Buffer.from('v'.repeat(i * 10)),
      timestamp: 1_700_000_000_000n + BigInt(i),
      headers: [{ key: 'h', value: Buffer.from(String(i)) }],
    }));
    const before = encodeRecordBatch({
      compression: CompressionType.zstd,
      producerId: 9n,
      producerEpoch: 3,
      baseSequence: 40,
      records,
    });
    const state = { producerId: 9n, producerEpoch: 4, baseSequence: 0 };
    assert.equal(carriesProducerState(before, state), false);
    const after = withProducerState(before, state);
    assert.equal(carriesProducerState(after, state), true);
    assert.equal(
      carriesProducerState(before, { ...state, producerEpoch: 3, baseSequence: 40 }),
      true,
      'a copy: the old bytes stay',
    );
    const check = checkBatch(after);
    assert.ok(check.ok, 'the CRC32C matches the new header');
    const decoded = decodeRecordBatch(after);
    assert.deepEqual([decoded.producerId, decoded.producerEpoch, decoded.baseSequence], [9n, 4, 0]);
    assert.deepEqual(
      decoded.records.map((r) => [r.key?.toString(), r.value?.toString().length, r.headers[0]?.value?.toString()]),
      records.map((_, i) => [`k${i}`, i * 10, String(i)]),
    );
    assert.deepEqual(after.subarray(61), before.subarray(61), 'records untouched');
    assert.ok(!checkBatch(Buffer.concat([after.subarray(0, 51), before.subarray(51)])).ok, 'a stale CRC is caught');
  });
});
