import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { BATCH_OFFSET } from '../../src/records/batch-header.js';
import { type BatchCheck, checkBatch } from '../../src/records/batch-check.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';
import { crc32c } from '../../src/records/crc32c.js';

const T0 = 1_764_000_000_000n;
const sample = (): Buffer =>
  encodeRecordBatch({
    records: [
      { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: T0 },
      { key: Buffer.from('b'), value: Buffer.from('2'), timestamp: T0 + 1n },
    ],
  });

function reasonOf(result: BatchCheck): string | undefined {
  return result.ok ? undefined : result.reason;
}

function reCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  return batch;
}

test('a valid batch passes with its header and size', () => {
  const batch = sample();
  const result = checkBatch(batch, 0, { producerBatch: true });
  assert.ok(result.ok);
  assert.equal(result.sizeBytes, batch.length);
  assert.equal(result.header.recordCount, 2);
});

test('any flipped bit after the CRC field is a crc-mismatch with CORRUPT_MESSAGE', () => {
  const batch = sample();
  for (let i = BATCH_OFFSET.attributes; i < batch.length; i++) {
    const copy = Buffer.from(batch);
    copy[i]! ^= 0x10;
    const result = checkBatch(copy, 0, { producerBatch: false });
    // Flips in the count fields may be caught by the count rules first; everything else is the CRC.
    assert.ok(!result.ok, `flip at ${i} went unnoticed`);
    if (i < BATCH_OFFSET.lastOffsetDelta || i >= BATCH_OFFSET.recordCount + 4) {
      assert.equal(reasonOf(result), 'crc-mismatch');
      assert.equal(!result.ok && result.errorCode, ErrorCode.CORRUPT_MESSAGE);
    }
  }
});

test('verifyCrc: false skips only the CRC', () => {
  const batch = sample();
  batch[batch.length - 1]! ^= 1;
  assert.equal(reasonOf(checkBatch(batch)), 'crc-mismatch');
  assert.ok(checkBatch(batch, 0, { verifyCrc: false }).ok);
});

test('magic other than 2 is unsupported-magic', () => {
  const batch = sample();
  batch.writeInt8(1, BATCH_OFFSET.magic);
  const result = checkBatch(batch);
  assert.equal(reasonOf(result), 'unsupported-magic');
  assert.equal(!result.ok && result.errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
});

test('lengths: below the header, past the buffer, above maxBatchBytes', () => {
  const batch = sample();
  assert.equal(reasonOf(checkBatch(batch.subarray(0, 60))), 'truncated');
  assert.equal(reasonOf(checkBatch(batch.subarray(0, batch.length - 1))), 'truncated');
  assert.equal(reasonOf(checkBatch(batch, 0, { maxBatchBytes: batch.length - 1 })), 'invalid-length');
  assert.ok(checkBatch(batch, 0, { maxBatchBytes: batch.length }).ok);
  const short = Buffer.from(batch);
  short.writeInt32BE(48, BATCH_OFFSET.batchLength);
  assert.equal(reasonOf(checkBatch(short)), 'invalid-length');
});

test('producer batches need count === lastOffsetDelta + 1 and at least one record', () => {
  const gap = reCrc(sample());
  gap.writeInt32BE(5, BATCH_OFFSET.lastOffsetDelta);
  reCrc(gap);
  assert.ok(checkBatch(gap).ok, 'a compacted batch may have offset gaps');
  const result = checkBatch(gap, 0, { producerBatch: true });
  assert.equal(reasonOf(result), 'invalid-record-count');
  assert.equal(!result.ok && result.errorCode, ErrorCode.INVALID_RECORD);

  const empty = encodeRecordBatch({ records: [] });
  assert.ok(checkBatch(empty).ok);
  assert.equal(reasonOf(checkBatch(empty, 0, { producerBatch: true })), 'invalid-record-count');

  const tooMany = sample();
  tooMany.writeInt32BE(3, BATCH_OFFSET.recordCount);
  reCrc(tooMany);
  assert.equal(reasonOf(checkBatch(tooMany)), 'invalid-record-count');
});

test('checks a batch at an offset inside a larger buffer', () => {
  const a = sample();
  const b = sample();
  const both = Buffer.concat([a, b]);
  const result = checkBatch(both, a.length);
  assert.ok(result.ok);
  assert.equal(result.sizeBytes, b.length);
});
