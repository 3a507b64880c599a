import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CompressionType, encodeRecordBatch } from '@fluxo/protocol';
import { ListOffsetsTimestamp } from '../src/index.js';
import { buildBatch } from './batch-builder.js';
import { openLog, T0, tempDir } from './helpers.js';

describe('PartitionLog.offsetForTimestamp (ListOffsets)', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  /** 20 batches of 3 records; record at offset o has timestamp T0 + 10*o, except a spike at offset 31. */
  function filledLog(overrides = {}) {
    const log = openLog(t.dir, { indexIntervalBytes: 150, segmentBytes: 500, ...overrides });
    for (let b = 0; b < 20; b++) {
      const records = [0, 1, 2].map((i) => {
        const offset = b * 3 + i;
        return { value: Buffer.from(`v${offset}`), timestamp: offset === 31 ? T0 + 100_000 : T0 + 10 * offset };
      });
      log.append(buildBatch(records), T0);
    }
    return log;
  }

  it('earliest, latest, earliest-local and latest-tiered', () => {
    const log = filledLog();
    log.deleteRecordsBefore(4n);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST)!.offset, 4n);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.EARLIEST_LOCAL)!.offset, 4n);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.LATEST)!.offset, 60n);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.LATEST_TIERED), null);
    log.close();
  });

  it('finds the first record whose timestamp is >= the target, across segments', () => {
    const log = filledLog();
    assert.ok(log.segmentCount > 2);
    for (const [target, offset] of [
      [T0, 0n],
      [T0 + 1, 1n],
      [T0 + 10 * 17, 17n],
      [T0 + 10 * 17 - 5, 17n],
      [T0 + 10 * 45, 31n], // the spike at offset 31 is the first record with a timestamp >= target
      [T0 + 100_000, 31n],
    ] as const) {
      const found = log.offsetForTimestamp(BigInt(target));
      assert.equal(found?.offset, offset, `target ${target - T0}`);
      assert.ok(found!.timestamp >= BigInt(target));
    }
    assert.equal(log.offsetForTimestamp(BigInt(T0 + 100_001)), null);
    log.close();
  });

  it('skips records below the log start offset', () => {
    const log = filledLog();
    log.deleteRecordsBefore(10n);
    assert.equal(log.offsetForTimestamp(BigInt(T0))!.offset, 10n);
    log.close();
  });

  it('max timestamp (-3) gives the exact record holding it', () => {
    const log = filledLog();
    const found = log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)!;
    assert.equal(found.offset, 31n);
    assert.equal(found.timestamp, BigInt(T0 + 100_000));
    log.close();
  });

  it('finds the exact record inside compressed batches too', () => {
    const log = openLog(t.dir);
    for (const compression of [CompressionType.gzip, CompressionType.zstd]) {
      const base = log.logEndOffset;
      const records = [0, 1, 2, 3].map((i) => ({
        value: Buffer.from(`c${i}`),
        timestamp: BigInt(T0 + 1000 * Number(base) + 10 * i),
      }));
      log.append(encodeRecordBatch({ compression, records }), T0);
      const found = log.offsetForTimestamp(BigInt(T0 + 1000 * Number(base) + 15))!;
      assert.equal(found.offset, base + 2n);
      assert.equal(found.timestamp, BigInt(T0 + 1000 * Number(base) + 20));
    }
    const max = log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)!;
    assert.equal(max.offset, 7n);
    log.close();
  });

  it('an empty log has no offset for any timestamp', () => {
    const log = openLog(t.dir);
    assert.equal(log.offsetForTimestamp(BigInt(T0)), null);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP), null);
    assert.equal(log.offsetForTimestamp(ListOffsetsTimestamp.LATEST)!.offset, 0n);
    log.close();
  });

  it('works after a restart from the persisted time index', () => {
    const log = filledLog();
    log.close();
    const reopened = openLog(t.dir, { indexIntervalBytes: 150, segmentBytes: 500 });
    assert.equal(reopened.offsetForTimestamp(BigInt(T0 + 10 * 29))!.offset, 29n);
    assert.equal(reopened.offsetForTimestamp(ListOffsetsTimestamp.MAX_TIMESTAMP)!.offset, 31n);
    reopened.close();
  });
});
