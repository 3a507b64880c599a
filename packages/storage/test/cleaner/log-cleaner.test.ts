import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { CompressionType, ErrorCode } from '@fluxo/protocol';
import { cleanableRange } from '../../src/index.js';
import { openLog, T0, tempDir } from '../helpers.js';
import {
  appendKv,
  COMPACT,
  cleanerFor,
  type Kv,
  kvBatch,
  latestByKey,
  readAll,
  readBatches,
} from './compaction-helpers.js';

const kv = (key: string | null, value: string | null): Kv => ({ key, value });

describe('log cleaner', () => {
  let t: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  beforeEach(() => {
    t = tempDir();
    clock = new ManualClock(T0);
  });
  afterEach(() => t.cleanup());

  /** 10 rounds of updates to keys k0..k4, one record per batch, rolling every 10 batches. */
  function fill(log: ReturnType<typeof openLog>, rounds = 10): void {
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < 5; k++) appendKv(log, [kv(`k${k}`, `v${round}`)], clock.nowMs());
      if (round % 2 === 1) log.roll();
    }
  }

  it('keeps the latest record per key below the active segment, at its original offset, with gaps', () => {
    const log = openLog(t.dir, COMPACT, clock);
    fill(log);
    appendKv(log, [kv('k0', 'active-1')], clock.nowMs());
    appendKv(log, [kv('k0', 'active-2')], clock.nowMs());
    const before = readAll(log);
    const activeBase = log.segmentList.at(-1)!.baseOffset;
    const stats = cleanerFor([log], clock).cleanNow(log);
    assert.equal(stats.length, 1);
    const after = readAll(log);
    // Below the active segment only the last round (offsets 45..49) remains.
    assert.deepEqual(
      after.filter((r) => r.offset < activeBase).map((r) => [r.offset, r.key, r.value]),
      [45n, 46n, 47n, 48n, 49n].map((o, k) => [o, `k${k}`, 'v9']),
    );
    // The active segment is untouched: both k0 updates there are still read.
    assert.deepEqual(
      after.filter((r) => r.offset >= activeBase),
      before.filter((r) => r.offset >= activeBase),
    );
    assert.deepEqual(latestByKey(after), latestByKey(before));
    for (let i = 1; i < after.length; i++) assert.ok(after[i].offset > after[i - 1].offset);
    assert.equal(log.logEndOffset, 52n, 'the log end does not move');
    assert.equal(log.cleanerCheckpoint, activeBase);
    assert.ok(log.sizeBytes < before.length * 20, `${log.sizeBytes} bytes left`);
    log.close();
  });

  it('a consumer fetching from an offset in a gap gets the next kept batch', () => {
    const log = openLog(t.dir, COMPACT, clock);
    fill(log);
    cleanerFor([log], clock).cleanNow(log);
    const read = log.read(3n, 1 << 20, true);
    assert.equal(read.errorCode, ErrorCode.NONE);
    assert.equal(read.records.readBigInt64BE(0), 45n);
    log.close();
  });

  it('groups cleaned segments up to segment.bytes and rebuilds their indexes (offset and time lookups)', () => {
    const log = openLog(t.dir, { ...COMPACT, segmentBytes: 4096, indexIntervalBytes: 1 }, clock);
    for (let i = 0; i < 400; i++) {
      clock.advance(1000);
      appendKv(log, [kv(`key-${i % 40}`, `value-${i}`.padEnd(60, '.'))], clock.nowMs());
    }
    log.roll();
    const segmentsBefore = log.segmentCount;
    // Groups are sized by the segments' sizes before cleaning (Kafka's rule): allow 8 per group.
    log.updateConfig({ ...log.config, segmentBytes: 8 * 4096 });
    cleanerFor([log], clock).cleanNow(log);
    assert.ok(log.segmentCount < segmentsBefore, `${log.segmentCount} segments, were ${segmentsBefore}`);
    const after = readAll(log);
    assert.equal(after.length, 40);
    assert.deepEqual(
      after.map((r) => r.offset),
      Array.from({ length: 40 }, (_, i) => BigInt(360 + i)),
    );
    const check = (l: ReturnType<typeof openLog>) => {
      for (const r of after) {
        const read = l.read(r.offset, 1, true);
        assert.equal(read.records.readBigInt64BE(0), r.offset, `read at ${r.offset}`);
        const found = l.offsetForTimestamp(r.timestamp);
        assert.equal(found?.offset, r.offset, `timestamp ${r.timestamp}`);
      }
      // A timestamp of a removed record finds the next kept one.
      assert.equal(l.offsetForTimestamp(BigInt(T0 + 1000))?.offset, 360n);
    };
    check(log);
    log.close();
    const reopened = openLog(t.dir, { ...COMPACT, segmentBytes: 8 * 4096, indexIntervalBytes: 1 }, clock);
    assert.deepEqual(readAll(reopened), after);
    check(reopened);
    reopened.close();
  });

  it('tombstones stay delete.retention.ms after their first cleaning, then go', () => {
    const log = openLog(t.dir, { ...COMPACT, deleteRetentionMs: 60_000 }, clock);
    appendKv(log, [kv('a', '1'), kv('b', '1'), kv('c', '1')], clock.nowMs());
    appendKv(log, [kv('a', null)], clock.nowMs());
    log.roll();
    const cleaner = cleanerFor([log], clock);
    cleaner.cleanNow(log);
    assert.deepEqual(
      readAll(log).map((r) => [r.key, r.value]),
      [
        ['b', '1'],
        ['c', '1'],
        ['a', null],
      ],
    );
    const tombstoneBatch = readBatches(log).at(-1)!;
    assert.ok(tombstoneBatch.hasDeleteHorizon, 'the batch carries its delete horizon (KIP-534)');
    assert.equal(tombstoneBatch.baseTimestamp, BigInt(clock.nowMs() + 60_000));
    assert.equal(tombstoneBatch.records[0].timestamp, BigInt(T0), 'the record keeps its own timestamp');
    assert.equal(log.tombstoneHorizonMs, clock.nowMs() + 60_000);
    clock.advance(59_000);
    assert.equal(cleaner.pickFilthiest(), undefined, 'nothing to do before the horizon');
    clock.advance(1_000);
    assert.equal(cleaner.pickFilthiest()?.log, log, 'the horizon passing brings the cleaner back');
    cleaner.cleanNow(log);
    assert.deepEqual(
      readAll(log).map((r) => [r.key, r.value]),
      [
        ['b', '1'],
        ['c', '1'],
      ],
    );
    assert.equal(log.tombstoneHorizonMs, -1);
    log.close();
  });

  it('min.compaction.lag.ms keeps recent segments dirty until they are old enough', () => {
    const log = openLog(t.dir, { ...COMPACT, minCompactionLagMs: 10_000 }, clock);
    appendKv(log, [kv('a', 'old')], clock.nowMs());
    log.roll();
    clock.advance(8_000);
    appendKv(log, [kv('a', 'newer')], clock.nowMs());
    log.roll();
    clock.advance(3_000); // the first segment is 11 s old, the second 3 s
    const range = cleanableRange(log, clock.nowMs());
    assert.equal(range.firstUncleanable, 1n, 'the dirty section stops at the young segment');
    const cleaner = cleanerFor([log], clock);
    cleaner.cleanNow(log);
    assert.deepEqual(
      readAll(log).map((r) => r.value),
      ['old', 'newer'],
      'the young record is not in the map, so the old one is not superseded',
    );
    clock.advance(10_000);
    cleaner.cleanNow(log);
    assert.deepEqual(
      readAll(log).map((r) => r.value),
      ['newer'],
    );
    log.close();
  });

  it('min.cleanable.dirty.ratio decides whether a log is worth cleaning', () => {
    const log = openLog(t.dir, { cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0.5 }, clock);
    for (let i = 0; i < 20; i++) appendKv(log, [kv(`k${i}`, 'x'.repeat(100))], clock.nowMs());
    log.roll();
    const cleaner = cleanerFor([log], clock);
    assert.equal(cleaner.pickFilthiest()?.ratio, 1, 'a never-cleaned log is all dirty');
    cleaner.cleanNow(log);
    assert.equal(readAll(log).length, 20, 'distinct keys all stay');
    // A little dirt on top of a big clean section: ratio below 0.5, nothing to do.
    appendKv(log, [kv('k0', 'y')], clock.nowMs());
    log.roll();
    const range = cleanableRange(log, clock.nowMs());
    assert.ok(range.ratio > 0 && range.ratio < 0.5, `ratio ${range.ratio}`);
    assert.equal(cleaner.pickFilthiest(), undefined);
    assert.deepEqual(cleaner.cleanNow(log), []);
    log.updateConfig({ ...log.config, minCleanableDirtyRatio: 0.01 });
    assert.equal(cleaner.pickFilthiest()?.log, log);
    cleaner.cleanNow(log);
    assert.equal(readAll(log).length, 20);
    assert.equal(readAll(log).find((r) => r.key === 'k0')?.value, 'y');
    log.close();
  });

  it('max.compaction.lag.ms forces a clean below the ratio and rolls the active segment', () => {
    const log = openLog(
      t.dir,
      { cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0.99, maxCompactionLagMs: 60_000 },
      clock,
    );
    for (let i = 0; i < 20; i++) appendKv(log, [kv(`k${i}`, 'x'.repeat(100))], clock.nowMs());
    log.roll();
    const cleaner = cleanerFor([log], clock);
    cleaner.cleanNow(log);
    appendKv(log, [kv('k0', 'y')], clock.nowMs());
    clock.advance(61_000);
    appendKv(log, [kv('k1', 'z')], clock.nowMs()); // rolls: the active segment is older than max.compaction.lag.ms
    assert.equal(log.segmentList.at(-1)!.baseOffset, 21n);
    const range = cleanableRange(log, clock.nowMs());
    assert.ok(range.ratio < 0.99 && range.needCompactionNow);
    assert.equal(cleaner.pickFilthiest()?.log, log);
    cleaner.cleanNow(log);
    assert.equal(readAll(log).find((r) => r.key === 'k0')?.value, 'y');
    assert.equal(readAll(log).filter((r) => r.key === 'k0').length, 1);
    log.close();
  });

  for (const [name, codec] of Object.entries(CompressionType)) {
    if (codec === CompressionType.none) continue;
    it(`${name} batches are decompressed to decide and rewritten with ${name}`, () => {
      const log = openLog(t.dir, COMPACT, clock);
      for (let round = 0; round < 3; round++)
        appendKv(
          log,
          Array.from({ length: 10 }, (_, k) => kv(`k${k}`, `r${round}-${'v'.repeat(50)}`)),
          clock.nowMs(),
          { compression: codec },
        );
      appendKv(log, [kv('k3', 'last')], clock.nowMs(), { compression: codec });
      log.roll();
      cleanerFor([log], clock).cleanNow(log);
      const batches = readBatches(log);
      assert.ok(batches.every((b) => b.compression === codec));
      const records = readAll(log);
      assert.deepEqual(
        records.map((r) => [r.offset, r.key]),
        [...[0, 1, 2, 4, 5, 6, 7, 8, 9].map((k) => [BigInt(20 + k), `k${k}`]), [30n, 'k3']],
      );
      assert.equal(batches[0].lastOffsetDelta, 9, 'the rewritten batch keeps its last offset delta');
      log.close();
    });
  }

  it("keeps an idempotent producer's last batch (emptied) so its dedup state survives a full replay", () => {
    const config = { ...COMPACT };
    const log = openLog(t.dir, config, clock);
    const producer = { producerId: 7n, producerEpoch: 0 };
    appendKv(log, [kv('p', '1')], clock.nowMs(), { ...producer, baseSequence: 0 });
    appendKv(log, [kv('p', '2')], clock.nowMs(), { ...producer, baseSequence: 1 });
    appendKv(log, [kv('p', 'other-writer')], clock.nowMs()); // supersedes the producer's records
    log.roll();
    appendKv(log, [kv('q', 'active')], clock.nowMs());
    cleanerFor([log], clock).cleanNow(log);
    const batches = readBatches(log);
    assert.deepEqual(
      batches.map((b) => [b.baseOffset, b.records.length, b.producerId]),
      [
        [1n, 0, 7n],
        [2n, 1, -1n],
        [3n, 1, -1n],
      ],
      'offset 0 dropped; the producer batch at 1 kept empty with its header',
    );
    assert.equal(batches[0].baseSequence, 1);
    log.abandon(); // no clean-shutdown snapshot
    // Without snapshots, the state is rebuilt from the cleaned log alone.
    for (const f of readdirSync(`${t.dir}/topic-0`)) if (f.endsWith('.snapshot')) rmSync(`${t.dir}/topic-0/${f}`);
    const reopened = openLog(t.dir, config, clock);
    assert.equal(reopened.producerStateRebuild?.snapshotOffset, null, 'replayed from the first segment');
    const retry = reopened.append(kvBatch([kv('p', '2')], { ...producer, baseSequence: 1 }), clock.nowMs());
    assert.equal(retry.errorCode, ErrorCode.NONE);
    assert.equal(retry.baseOffset, 1n, 'the retry is recognised as a duplicate');
    const gap = reopened.append(kvBatch([kv('p', '4')], { ...producer, baseSequence: 3 }), clock.nowMs());
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    reopened.close();
  });

  it('a fetch that would hold only an emptied producer batch reads on to the next records', () => {
    const log = openLog(t.dir, { ...COMPACT, segmentBytes: 100 }, clock); // one segment per group
    appendKv(log, [kv('p', '1')], clock.nowMs(), { producerId: 9n, producerEpoch: 0, baseSequence: 0 });
    log.roll();
    appendKv(log, [kv('p', '2')], clock.nowMs());
    log.roll();
    appendKv(log, [kv('q', 'active')], clock.nowMs());
    cleanerFor([log], clock).cleanNow(log);
    assert.equal(log.segmentCount, 3, 'the first segment now holds only the empty producer batch');
    const read = log.read(0n, 1 << 20, true);
    assert.equal(read.records.readBigInt64BE(0), 1n, 'the answer starts at the next record, not the empty batch');
    assert.deepEqual(
      readAll(log).map((r) => r.value),
      ['2', 'active'],
    );
    log.close();
  });

  it('a group left with no record becomes an empty segment that reads skip and retention can delete', () => {
    const config = { ...COMPACT, cleanupPolicy: ['compact', 'delete'], segmentBytes: 150, retentionMs: 60_000 };
    const log = openLog(t.dir, config, clock);
    appendKv(log, [kv('a', 'old'), kv('b', 'old')], clock.nowMs());
    log.roll();
    clock.advance(10_000);
    appendKv(log, [kv('a', 'new'), kv('b', 'new')], clock.nowMs());
    log.roll();
    appendKv(log, [kv('c', 'active')], clock.nowMs());
    cleanerFor([log], clock).cleanNow(log);
    assert.deepEqual(log.segmentBaseOffsets(), [0n, 2n, 4n]);
    assert.equal(log.segmentList[0].size, 0, 'the first group was emptied but keeps its place');
    assert.deepEqual(
      readAll(log).map((r) => [r.offset, r.value]),
      [
        [2n, 'new'],
        [3n, 'new'],
        [4n, 'active'],
      ],
    );
    log.close();
    const reopened = openLog(t.dir, config, clock);
    assert.deepEqual(reopened.segmentBaseOffsets(), [0n, 2n, 4n]);
    assert.equal(readAll(reopened).length, 3);
    // compact,delete: the empty segment ages by the time its source was written, and goes first.
    assert.equal(reopened.deleteRetentionBreachedSegments(T0 + 65_000), 1);
    assert.equal(reopened.logStartOffset, 2n);
    reopened.close();
  });

  it('a small offset map cleans in several passes with the same result', () => {
    const log = openLog(t.dir, { ...COMPACT, segmentBytes: 2048 }, clock);
    for (let i = 0; i < 600; i++) appendKv(log, [kv(`k${i % 150}`, `v${i}`)], clock.nowMs());
    log.roll();
    const before = latestByKey(readAll(log));
    const cleaner = cleanerFor([log], clock, { dedupeBufferSize: 25 * 100 }); // 90 keys a pass
    const passes = cleaner.cleanNow();
    assert.ok(passes.length >= 2, `${passes.length} passes`);
    const after = readAll(log);
    assert.equal(after.length, 150);
    assert.deepEqual(latestByKey(after), before);
    log.close();
  });

  it('rejects records without a key on a compacted topic (INVALID_RECORD), as Kafka does', () => {
    const log = openLog(t.dir, COMPACT, clock);
    const result = log.append(kvBatch([kv('a', '1'), kv(null, 'no key')]), clock.nowMs());
    assert.equal(result.errorCode, ErrorCode.INVALID_RECORD);
    assert.match(result.errorMessage ?? '', /Compacted topic cannot accept message without key/);
    assert.equal(log.logEndOffset, 0n, 'nothing written');
    const zipped = log.append(kvBatch([kv(null, 'x')], { compression: CompressionType.gzip }), clock.nowMs());
    assert.equal(zipped.errorCode, ErrorCode.INVALID_RECORD, 'compressed batches are looked into too');
    log.close();
    const plain = openLog(`${t.dir}/plain`, {}, clock);
    assert.equal(plain.append(kvBatch([kv(null, 'ok')]), clock.nowMs()).errorCode, ErrorCode.NONE);
    plain.close();
  });

  it('a log with cleanup.policy=delete is never cleaned', () => {
    const log = openLog(t.dir, { minCleanableDirtyRatio: 0.01 }, clock);
    fill(log);
    const cleaner = cleanerFor([log], clock);
    assert.equal(cleaner.pickFilthiest(), undefined);
    assert.deepEqual(cleaner.cleanNow(), []);
    assert.equal(readAll(log).length, 50);
    log.close();
  });
});
