import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { decodeRecordBatch, encodeRecordBatch } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { openLog, T0, tempDir } from './helpers.js';

/** A batch as a Raft leader would send it: offsets and leader epoch already set. */
function leaderBatch(baseOffset: number, count: number, epoch: number): Buffer {
  return encodeRecordBatch({
    baseOffset: BigInt(baseOffset),
    partitionLeaderEpoch: epoch,
    records: Array.from({ length: count }, (_, i) => ({
      value: Buffer.from(`v${baseOffset + i}`),
      timestamp: BigInt(T0),
    })),
  });
}

/** Every batch in the log as [baseOffset, lastOffset, epoch], and the values in order. */
function dump(log: ReturnType<typeof openLog>): { batches: [number, number, number][]; values: string[] } {
  const batches: [number, number, number][] = [];
  const values: string[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20, true);
    assert.ok(records.length > 0);
    for (let at = 0; at < records.length; ) {
      const b = decodeRecordBatch(records, at);
      batches.push([Number(b.baseOffset), Number(b.baseOffset) + b.lastOffsetDelta, b.partitionLeaderEpoch]);
      for (const r of b.records) values.push(Buffer.from(r.value ?? []).toString());
      offset = b.baseOffset + BigInt(b.lastOffsetDelta) + 1n;
      at += b.sizeBytes;
    }
  }
  return { batches, values };
}

describe('PartitionLog replica append, truncateTo, truncateFullyAndStartAt', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('appendAsFollower keeps the leader offsets and partitionLeaderEpoch', () => {
    const log = openLog(t.dir);
    const set = Buffer.concat([leaderBatch(0, 3, 4), leaderBatch(3, 2, 7)]);
    const r = log.appendAsFollower(set, T0);
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.baseOffset, 0n);
    assert.equal(r.lastOffset, 4n);
    assert.equal(log.logEndOffset, 5n);
    assert.deepEqual(dump(log).batches, [
      [0, 2, 4],
      [3, 4, 7],
    ]);
    log.close();
  });

  it('appendAsFollower refuses gaps, overlaps and corrupt batches, writing nothing', () => {
    const log = openLog(t.dir);
    assert.equal(log.appendAsFollower(leaderBatch(0, 2, 1), T0).errorCode, ErrorCode.NONE);
    assert.equal(log.appendAsFollower(leaderBatch(3, 1, 1), T0).errorCode, ErrorCode.INVALID_RECORD);
    assert.equal(log.appendAsFollower(leaderBatch(1, 1, 1), T0).errorCode, ErrorCode.INVALID_RECORD);
    const gapInside = Buffer.concat([leaderBatch(2, 1, 1), leaderBatch(4, 1, 1)]);
    assert.equal(log.appendAsFollower(gapInside, T0).errorCode, ErrorCode.INVALID_RECORD);
    const corrupt = leaderBatch(2, 1, 1);
    corrupt[corrupt.length - 1] ^= 0xff;
    assert.equal(log.appendAsFollower(corrupt, T0).errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(log.logEndOffset, 2n);
    assert.deepEqual(dump(log).values, ['v0', 'v1']);
    log.close();
  });

  it('truncateTo mid-segment cuts at the batch holding the offset and survives a reopen', () => {
    let log = openLog(t.dir, { indexIntervalBytes: 1 });
    for (let base = 0; base < 20; base += 2) log.appendAsFollower(leaderBatch(base, 2, 1 + base), T0);
    assert.equal(log.truncateTo(10n), 10n);
    assert.equal(log.logEndOffset, 10n);
    assert.equal(log.truncateTo(7n), 6n, 'the batch 6..7 goes whole');
    assert.equal(log.read(6n, 1000, true).records.length, 0);
    assert.equal(log.appendAsFollower(leaderBatch(6, 3, 99), T0).errorCode, ErrorCode.NONE);
    const before = dump(log);
    log.close();
    log = openLog(t.dir, { indexIntervalBytes: 1 });
    assert.equal(log.logEndOffset, 9n);
    assert.deepEqual(dump(log), before);
    assert.deepEqual(before.batches.at(-1), [6, 8, 99]);
    assert.deepEqual(before.values, ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8']);
    log.close();
  });

  it('truncateTo across segments deletes the later segment files', () => {
    let log = openLog(t.dir, { segmentBytes: 200 });
    for (let base = 0; base < 12; base += 2) log.appendAsFollower(leaderBatch(base, 2, 3), T0);
    const bases = log.segmentBaseOffsets();
    assert.ok(bases.length >= 3, `expected several segments, got ${bases}`);
    const cut = bases[1] + 1n;
    const end = log.truncateTo(cut);
    assert.ok(end <= cut && end >= bases[1]);
    assert.deepEqual(log.segmentBaseOffsets(), bases.slice(0, 2));
    for (const gone of bases.slice(2))
      assert.equal(existsSync(join(t.dir, 'topic-0', `${gone.toString().padStart(20, '0')}.log`)), false);
    assert.equal(log.appendAsFollower(leaderBatch(Number(end), 1, 4), T0).errorCode, ErrorCode.NONE);
    log.close();
    log = openLog(t.dir, { segmentBytes: 200 });
    assert.equal(log.logEndOffset, end + 1n);
    assert.deepEqual(dump(log).batches.at(-1), [Number(end), Number(end), 4]);
    log.close();
  });

  it('truncateTo a segment base deletes that segment; below the log start the log restarts there', () => {
    const log = openLog(t.dir, { segmentBytes: 200 });
    for (let base = 0; base < 12; base += 2) log.appendAsFollower(leaderBatch(base, 2, 3), T0);
    const bases = log.segmentBaseOffsets();
    assert.equal(log.truncateTo(bases[1]), bases[1]);
    assert.deepEqual(log.segmentBaseOffsets(), [0n]);
    assert.equal(log.logEndOffset, bases[1]);
    log.deleteRecordsBefore(2n);
    assert.equal(log.logStartOffset, 2n);
    assert.equal(log.truncateTo(1n), 1n);
    assert.equal(log.logStartOffset, 1n);
    assert.equal(log.logEndOffset, 1n);
    assert.deepEqual(log.segmentBaseOffsets(), [1n]);
    log.close();
  });

  it('truncateFullyAndStartAt moves start and end past everything, and deleteRecordsBefore trims whole segments', () => {
    let log = openLog(t.dir, { segmentBytes: 200 });
    for (let base = 0; base < 12; base += 2) log.appendAsFollower(leaderBatch(base, 2, 3), T0);
    const bases = log.segmentBaseOffsets();
    log.deleteRecordsBefore(bases[1] + 1n);
    assert.deepEqual(log.segmentBaseOffsets(), bases.slice(1));
    log.truncateFullyAndStartAt(100n);
    assert.equal(log.logStartOffset, 100n);
    assert.equal(log.logEndOffset, 100n);
    assert.equal(log.appendAsFollower(leaderBatch(100, 1, 9), T0).errorCode, ErrorCode.NONE);
    log.close();
    log = openLog(t.dir, { segmentBytes: 200 });
    assert.equal(log.logStartOffset, 100n);
    assert.deepEqual(dump(log).batches, [[100, 100, 9]]);
    log.close();
  });
});
