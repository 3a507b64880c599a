import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { readBatchHeader } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { simpleBatch } from './batch-builder.js';
import { openLog, T0, tempDir } from './helpers.js';

describe('retention and DeleteRecords', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const segmentFile = (base: bigint) => join(t.dir, 'topic-0', `${base.toString().padStart(20, '0')}.log`);

  it('retention.ms deletes whole segments whose newest record is too old, oldest first', () => {
    const log = openLog(t.dir, { segmentBytes: 500, retentionMs: 10_000 });
    for (let i = 0; i < 4; i++) log.append(simpleBatch(1, T0, 300), T0); // old
    for (let i = 0; i < 2; i++) log.append(simpleBatch(1, T0 + 20_000, 300), T0 + 20_000); // fresh
    const bases = log.segmentBaseOffsets();
    assert.equal(bases.length, 6);
    assert.equal(log.deleteRetentionBreachedSegments(T0 + 20_001), 4);
    assert.equal(log.logStartOffset, 4n);
    assert.ok(!existsSync(segmentFile(0n)));
    assert.ok(existsSync(segmentFile(4n)));
    assert.equal(log.read(3n, 1000, true).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal(readBatchHeader(log.read(4n, 1000, true).records).baseOffset, 4n);
    log.close();
  });

  it('retention.ms rolls and removes an expired active segment, keeping the log end offset', () => {
    const log = openLog(t.dir, { retentionMs: 1000 });
    log.append(simpleBatch(3, T0), T0);
    assert.equal(log.deleteRetentionBreachedSegments(T0 + 5000), 1);
    assert.equal(log.logStartOffset, 3n);
    assert.equal(log.logEndOffset, 3n);
    assert.equal(log.sizeBytes, 0);
    assert.equal(log.append(simpleBatch(1, T0 + 5000), T0 + 5000).baseOffset, 3n);
    log.close();
  });

  it('retention.bytes deletes the oldest segments while the log stays over the limit', () => {
    const log = openLog(t.dir, { segmentBytes: 500, retentionBytes: 1000 });
    const batch = simpleBatch(1, T0, 300);
    for (let i = 0; i < 6; i++) log.append(Buffer.from(batch), T0);
    assert.equal(log.sizeBytes, 6 * batch.length);
    const deleted = log.deleteRetentionBreachedSegments(T0);
    assert.ok(log.sizeBytes <= 1000 + batch.length && log.sizeBytes > 1000 - batch.length, `size ${log.sizeBytes}`);
    assert.equal(log.logStartOffset, BigInt(deleted));
    log.close();
  });

  it('batches without timestamps age from their write time, not from timestamp -1', () => {
    const log = openLog(t.dir, { retentionMs: 1000 });
    log.append(simpleBatch(1, -1), T0);
    assert.equal(log.deleteRetentionBreachedSegments(T0 + 500), 0);
    assert.equal(log.deleteRetentionBreachedSegments(T0 + 1500), 1);
    log.close();
  });

  it('cleanup.policy=compact keeps everything (compaction comes later)', () => {
    const log = openLog(t.dir, { retentionMs: 1, cleanupPolicy: ['compact'] });
    log.append(simpleBatch(1, T0), T0);
    assert.equal(log.deleteRetentionBreachedSegments(T0 + 1_000_000), 0);
    log.close();
  });

  it('deleteRecordsBefore moves the log start offset and removes segments wholly below it', () => {
    const log = openLog(t.dir, { segmentBytes: 500 });
    for (let i = 0; i < 5; i++) log.append(simpleBatch(2, T0, 200), T0);
    const moved: bigint[] = [];
    log.onLogStartOffsetMoved = () => moved.push(log.logStartOffset);
    const result = log.deleteRecordsBefore(5n);
    assert.deepEqual(result, { errorCode: 0, lowWatermark: 5n });
    assert.deepEqual(moved, [5n]);
    assert.ok(!existsSync(segmentFile(0n)));
    assert.ok(!existsSync(segmentFile(2n)));
    assert.ok(existsSync(segmentFile(4n)));
    // Offset 4 shares a batch with 5 but is below the log start offset now.
    assert.equal(log.read(4n, 1000, true).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal(log.read(5n, 1000, true).errorCode, ErrorCode.NONE);
    assert.equal(log.deleteRecordsBefore(3n).lowWatermark, 5n);
    assert.equal(log.deleteRecordsBefore(11n).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.deepEqual(log.deleteRecordsBefore(-1n), { errorCode: 0, lowWatermark: 10n });
    assert.equal(log.append(simpleBatch(1, T0), T0).baseOffset, 10n);
    log.close();
  });
});
