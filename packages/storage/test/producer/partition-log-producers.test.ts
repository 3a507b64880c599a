import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { ErrorCode } from '@fluxo/protocol';
import { LogManager, PRODUCER_SNAPSHOTS_MAX, type PartitionLog, snapshotPath } from '../../src/index.js';
import { buildBatch } from '../batch-builder.js';
import { config, openLog, T0, tempDir } from '../helpers.js';

const PID = 4242n;

function idempotent(baseSequence: number, count = 1, producerEpoch = 0, timestamp = T0): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`v${baseSequence + i}`), timestamp }));
  return buildBatch(records, { producerId: PID, producerEpoch, baseSequence });
}

describe('PartitionLog with idempotent producers', () => {
  let dir: string;
  let cleanup: () => void;
  let clock: ManualClock;
  let log: PartitionLog | undefined;
  const logDir = () => join(dir, 'topic-0');
  const reopen = (overrides = {}) => {
    log = openLog(dir, overrides, clock);
    return log;
  };

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    clock = new ManualClock(T0);
  });
  afterEach(() => {
    log?.close();
    log = undefined;
    cleanup();
  });

  /** Appends seq 0.. in batches of `size`; returns each batch's base offset. */
  function appendBatches(l: PartitionLog, batches: number, size = 2): bigint[] {
    const out: bigint[] = [];
    for (let i = 0; i < batches; i++) {
      const r = l.append(idempotent(i * size, size), T0);
      assert.equal(r.errorCode, ErrorCode.NONE, r.errorMessage ?? '');
      out.push(r.baseOffset);
    }
    return out;
  }

  it('answers a duplicate with the original offsets and writes nothing', () => {
    const l = reopen();
    l.append(buildBatch([{ value: Buffer.from('plain'), timestamp: T0 }]), T0);
    const offsets = appendBatches(l, 3);
    const end = l.logEndOffset;
    const dup = l.append(idempotent(2, 2), T0);
    assert.equal(dup.errorCode, ErrorCode.NONE);
    assert.equal(dup.baseOffset, offsets[1]);
    assert.equal(dup.lastOffset, offsets[1] + 1n);
    assert.equal(l.logEndOffset, end);
    const gap = l.append(idempotent(9), T0);
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(l.logEndOffset, end);
  });

  it('with LogAppendTime a duplicate reports the original append time', () => {
    const l = reopen({ messageTimestampType: 'LogAppendTime' });
    const first = l.append(idempotent(0), T0 + 5);
    const dup = l.append(idempotent(0), T0 + 99);
    assert.equal(dup.baseOffset, first.baseOffset);
    assert.equal(dup.logAppendTimeMs, BigInt(T0 + 5));
  });

  it('survives a clean close: the snapshot at the log end is loaded, nothing replayed', () => {
    let l = reopen();
    const offsets = appendBatches(l, 6);
    const end = l.logEndOffset;
    l.close();
    assert.ok(readdirSync(logDir()).includes(`${end.toString().padStart(20, '0')}.snapshot`));
    l = reopen();
    assert.equal(l.producerStateRebuild?.snapshotOffset, end);
    for (let i = 1; i < 6; i++) assert.equal(l.append(idempotent(i * 2, 2), T0).baseOffset, offsets[i]);
    assert.equal(l.append(idempotent(12, 2), T0).baseOffset, end);
  });

  it('with only an empty (corrupt) snapshot rebuilds the state from the batch headers', () => {
    let l = reopen();
    const offsets = appendBatches(l, 4);
    l.close();
    for (const name of readdirSync(logDir())) if (name.endsWith('.snapshot')) writeFileSync(join(logDir(), name), '');
    l = reopen();
    assert.equal(l.producerStateRebuild?.snapshotOffset, null);
    assert.equal(l.producerStateRebuild?.problems.length, 1, 'the corrupt snapshot is reported');
    assert.deepEqual(l.producerSnapshotOffsets(), [], 'and deleted');
    assert.equal(l.append(idempotent(6, 2), T0).baseOffset, offsets[3]);
    assert.equal(l.append(idempotent(10, 1), T0).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('ignores a corrupt newest snapshot and rebuilds from an older one plus the log after it', () => {
    let l = reopen({ segmentBytes: 400 });
    const offsets = appendBatches(l, 12);
    assert.ok(l.segmentCount > 2);
    l.close();
    const snapshots = l.producerSnapshotOffsets();
    const newest = snapshots.at(-1)!;
    const bytes = readFileSync(snapshotPath(logDir(), newest));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(snapshotPath(logDir(), newest), bytes);
    l = reopen({ segmentBytes: 400 });
    assert.equal(l.producerStateRebuild?.snapshotOffset, snapshots.at(-2));
    assert.match(l.producerStateRebuild?.problems[0] ?? '', /CRC32C/);
    for (let i = 7; i < 12; i++) assert.equal(l.append(idempotent(i * 2, 2), T0).baseOffset, offsets[i]);
  });

  it('snapshots at every roll, keeps at most PRODUCER_SNAPSHOTS_MAX, and drops those of deleted segments', () => {
    const l = reopen({ segmentBytes: 300 });
    const offsets = appendBatches(l, 20);
    const snapshots = l.producerSnapshotOffsets();
    assert.equal(snapshots.length, PRODUCER_SNAPSHOTS_MAX);
    assert.deepEqual(snapshots, l.segmentBaseOffsets().slice(-PRODUCER_SNAPSHOTS_MAX));
    l.deleteRecordsBefore(l.segmentBaseOffsets().at(-1)!);
    assert.deepEqual(l.producerSnapshotOffsets(), [snapshots.at(-1)]);
    // The producer's state outlives its deleted records (KIP-360): a retry of the last batch is still a duplicate.
    assert.equal(l.append(idempotent(38, 2), T0).baseOffset, offsets[19]);
    assert.equal(l.append(idempotent(42, 2), T0).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(l.append(idempotent(40, 2), T0).baseOffset, offsets[19] + 2n);
  });

  it('a snapshot beyond the recovered log end is deleted and the state rebuilt without it', () => {
    let l = reopen({ segmentBytes: 300 });
    appendBatches(l, 6);
    l.close();
    writeFileSync(snapshotPath(logDir(), 1_000_000n), Buffer.alloc(0));
    l = reopen({ segmentBytes: 300 });
    assert.ok(!l.producerSnapshotOffsets().includes(1_000_000n));
    assert.equal(l.append(idempotent(12, 2), T0).errorCode, ErrorCode.NONE);
  });

  it('truncateTo rebuilds the state: the cut batches may be appended again', () => {
    const l = reopen({ segmentBytes: 300 });
    const offsets = appendBatches(l, 8);
    l.truncateTo(offsets[6]);
    assert.equal(l.logEndOffset, offsets[6]);
    const again = l.append(idempotent(12, 2), T0);
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.equal(again.baseOffset, offsets[6]);
    assert.equal(l.append(idempotent(10, 2), T0).baseOffset, offsets[5], 'older batches are still duplicates');
  });

  it('expires idle producers by producer.id.expiration.ms, counted from the batch timestamp', () => {
    const l = openLog(dir, {}, clock);
    log = l;
    appendBatches(l, 2);
    assert.equal(l.removeExpiredProducers(T0 + 86_399_999), 0);
    assert.equal(l.removeExpiredProducers(T0 + 86_400_000), 1);
    assert.equal(l.producerState.size, 0);
    // Forgotten: a retry is now appended again, as in Kafka once the state expired.
    assert.equal(l.append(idempotent(2, 2), T0).errorCode, ErrorCode.NONE);
  });

  it('a replica append keeps the same state without checking it', () => {
    const leader = reopen();
    appendBatches(leader, 3);
    const records = leader.read(0n, 1 << 20, true).records;
    const { dir: dir2, cleanup: cleanup2 } = tempDir();
    try {
      const follower = openLog(dir2, {}, clock);
      assert.equal(follower.appendAsFollower(Buffer.from(records), T0).errorCode, ErrorCode.NONE);
      assert.equal(follower.append(idempotent(4, 2), T0).baseOffset, 4n);
      follower.close();
    } finally {
      cleanup2();
    }
  });
});

describe('LogManager producer expiry', () => {
  it('passes producer.id.expiration.ms to every log, reopened ones included, and sweeps them all', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const clock = new ManualClock(T0);
      const options = { logDirs: [dir], clock, defaults: config(), producerIdExpirationMs: 60_000 };
      let manager = await LogManager.open(options);
      for (const p of [0, 1])
        manager
          .getOrCreate('t', p, 'AAAAAAAAAAAAAAAAAAAAAQ', config())
          .append(idempotent(0, 1, 0, T0 + p * 30_000), T0);
      clock.advance(60_000);
      assert.equal(manager.removeExpiredProducers(), 1, 'only the producer idle for 60 s');
      await manager.close();
      clock.advance(30_000);
      manager = await LogManager.open(options);
      assert.equal(manager.get('t', 1)?.producerState.size, 0, 'expired while reopening');
      await manager.close();
    } finally {
      cleanup();
    }
  });
});
