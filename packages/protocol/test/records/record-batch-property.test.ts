import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ProtocolDecodeError } from '../../src/primitives/protocol-error.js';
import { checkBatch } from '../../src/records/batch-check.js';
import { BATCH_OFFSET } from '../../src/records/batch-header.js';
import { crc32c } from '../../src/records/crc32c.js';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { splitBatches } from '../../src/records/batch-iterator.js';
import { type RecordBatchInit, encodeRecordBatch } from '../../src/records/batch-encode.js';

const SEED = 20261125;
const bytes = (maxLength: number) => fc.option(fc.uint8Array({ maxLength }), { nil: null, freq: 5 });

const recordArb = fc.record({
  key: bytes(40),
  value: bytes(300),
  headers: fc.array(fc.record({ key: fc.string({ unit: 'grapheme', maxLength: 8 }), value: bytes(20) }), {
    maxLength: 3,
  }),
  timestamp: fc.bigInt({ min: 0n, max: 2n ** 42n }),
});

const batchArb: fc.Arbitrary<RecordBatchInit> = fc.record({
  baseOffset: fc.bigInt({ min: 0n, max: 2n ** 62n }),
  partitionLeaderEpoch: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  compression: fc.integer({ min: 0, max: 4 }),
  isTransactional: fc.boolean(),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }),
  producerEpoch: fc.integer({ min: -1, max: 32767 }),
  baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }),
  records: fc.array(recordArb, { maxLength: 20 }),
});

function maxOf(values: bigint[]): bigint {
  let max = values[0]!;
  for (const v of values) if (v > max) max = v;
  return max;
}
const asBuf = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b));

test('encode -> decode round-trips random batches with every codec', () => {
  fc.assert(
    fc.property(batchArb, (init) => {
      const d = decodeRecordBatch(encodeRecordBatch(init));
      assert.equal(d.baseOffset, init.baseOffset);
      assert.equal(d.partitionLeaderEpoch, init.partitionLeaderEpoch);
      assert.equal(d.compression, init.compression);
      assert.equal(d.isTransactional, init.isTransactional);
      assert.equal(d.producerId, init.producerId);
      assert.equal(d.producerEpoch, init.producerEpoch);
      assert.equal(d.baseSequence, init.baseSequence);
      assert.equal(d.recordCount, init.records.length);
      const timestamps = init.records.map((r) => r.timestamp!);
      if (timestamps.length > 0) {
        assert.equal(d.baseTimestamp, timestamps[0]);
        assert.equal(d.maxTimestamp, maxOf(timestamps));
      }
      init.records.forEach((r, i) => {
        const got = d.records[i]!;
        assert.equal(got.offset, init.baseOffset! + BigInt(i));
        assert.equal(got.timestamp, r.timestamp);
        assert.deepEqual(got.key, asBuf(r.key ?? null));
        assert.deepEqual(got.value, asBuf(r.value));
        assert.deepEqual(
          got.headers,
          (r.headers ?? []).map((h) => ({ key: h.key, value: asBuf(h.value) })),
        );
      });
    }),
    { seed: SEED, numRuns: 150 },
  );
});

/** The decoders may fail only with ProtocolDecodeError (RecordBatchError, CompressionError). */
function decodeAllOrTypedError(buf: Buffer): void {
  try {
    checkBatch(buf);
    const { batches } = splitBatches(buf);
    for (const b of batches) decodeRecordBatch(b.bytes, 0, { maxDecompressedBytes: 1 << 20 });
    decodeRecordBatch(buf, 0, { maxDecompressedBytes: 1 << 20 });
  } catch (e) {
    if (!(e instanceof ProtocolDecodeError)) throw e;
  }
}

test('truncated batches give typed errors, never other exceptions', () => {
  fc.assert(
    fc.property(batchArb, fc.nat(), (init, cutSeed) => {
      const batch = encodeRecordBatch(init);
      const cut = cutSeed % batch.length;
      const truncated = batch.subarray(0, cut);
      assert.throws(() => decodeRecordBatch(truncated), ProtocolDecodeError);
      decodeAllOrTypedError(truncated);
    }),
    { seed: SEED, numRuns: 150 },
  );
});

test('corrupted batches (CRC fixed up or not) give typed errors, never other exceptions', () => {
  fc.assert(
    fc.property(
      batchArb,
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (init, flips, fixCrc) => {
        const batch = Buffer.from(encodeRecordBatch(init));
        for (const [at, mask] of flips) batch[at % batch.length]! ^= mask;
        if (fixCrc && batch.length >= 61) {
          // Re-sign the corrupted bytes so the record decoder (not just the CRC check) meets them.
          batch.writeUInt32BE(crc32c(batch.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
        }
        decodeAllOrTypedError(batch);
      },
    ),
    { seed: SEED, numRuns: 400 },
  );
});

test('random bytes give typed errors, never other exceptions', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (raw) => decodeAllOrTypedError(Buffer.from(raw))),
    { seed: SEED, numRuns: 300 },
  );
});
