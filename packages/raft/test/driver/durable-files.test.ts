import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { decodeRecordBatch, LeaderChangeMessage, Reader } from '@fluxo/protocol';
import {
  readLatestSnapshot,
  readQuorumState,
  writeQuorumState,
  writeSnapshot,
} from '../../src/driver/durable-files.js';
import { SegmentLog } from '../../src/driver/segment-log.js';

const T0 = 1_700_000_000_000;
const entry = (epoch: number, text: string) => ({ epoch, control: false, data: Buffer.from(text) });

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-raft-files-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const texts = (entries: readonly { epoch: number; data: Uint8Array }[]) =>
  entries.map((e) => [e.epoch, Buffer.from(e.data).toString()]);
const segmentFile = (dir: string) => join(dir, '__cluster_metadata-0', `${'0'.padStart(20, '0')}.log`);

test('the segment log survives a reopen, a truncation inside a batch and a prefix drop', () =>
  withDir((dir) => {
    const log = new SegmentLog(dir, new ManualClock(T0));
    const first = [entry(1, 'a'), entry(1, 'b'), entry(1, 'c')];
    log.append(0, first);
    log.truncateTo(2); // a, b and c share a batch: a and b are written again
    log.append(2, [entry(3, 'd')]);
    log.close();
    const again = new SegmentLog(dir, new ManualClock(T0));
    assert.deepEqual(texts(again.recovered), [
      [1, 'a'],
      [1, 'b'],
      [3, 'd'],
    ]);
    again.recovered = [];
    again.dropPrefix(2);
    assert.equal(again.logStartOffset, 2);
    again.resetTo(10);
    again.append(10, [entry(4, 'e'), { epoch: 5, control: true, data: new Uint8Array(0) }]);
    again.close();
    const third = new SegmentLog(dir, new ManualClock(T0));
    assert.equal(third.logStartOffset, 10);
    assert.equal(third.endOffset, 12);
    assert.deepEqual(
      third.recovered.map((e) => [e.epoch, e.control, e.data.length]),
      [
        [4, false, 1],
        [5, true, 0],
      ],
    );
    third.close();
  }));

test('entries are stored as v2 batches with the entry epoch as partitionLeaderEpoch', () =>
  withDir((dir) => {
    const log = new SegmentLog(dir, new ManualClock(T0), () => 7);
    log.append(0, [entry(1, 'a'), entry(1, 'b'), { epoch: 2, control: true, data: new Uint8Array(0) }, entry(2, 'c')]);
    log.close();
    const bytes = readFileSync(segmentFile(dir));
    const batches = [];
    for (let at = 0; at < bytes.length; ) {
      const b = decodeRecordBatch(bytes, at);
      batches.push([Number(b.baseOffset), b.records.length, b.partitionLeaderEpoch, b.isControl]);
      if (b.isControl) {
        assert.deepEqual([...(b.records[0].key ?? [])], [0, 0, 0, 2], 'LEADER_CHANGE control key');
        assert.equal(LeaderChangeMessage.decode(new Reader(b.records[0].value ?? Buffer.alloc(0)), 0).leaderId, 7);
      }
      at += b.sizeBytes;
    }
    assert.deepEqual(batches, [
      [0, 2, 1, false],
      [2, 1, 2, true],
      [3, 1, 2, false],
    ]);
  }));

test('a torn or corrupt tail is cut off at the last whole batch', () =>
  withDir((dir) => {
    const log = new SegmentLog(dir, new ManualClock(T0));
    log.append(0, [entry(1, 'first')]);
    log.append(1, [entry(1, 'second')]);
    log.append(2, [entry(1, 'third')]);
    log.close();
    const path = segmentFile(dir);
    const size = statSync(path).size;
    truncateSync(path, size - 3); // torn write of the last batch
    const torn = new SegmentLog(dir, new ManualClock(T0));
    assert.equal(torn.endOffset, 2);
    assert.deepEqual(texts(torn.recovered), [
      [1, 'first'],
      [1, 'second'],
    ]);
    assert.equal(statSync(path).size < size - 3, true, 'the partial batch is truncated away');
    torn.close();
    // Flip a byte inside the second batch: it and everything after are dropped.
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] ^= 0xff;
    writeFileSync(path, bytes);
    appendFileSync(path, Buffer.from('garbage'));
    const corrupt = new SegmentLog(dir, new ManualClock(T0));
    assert.equal(corrupt.endOffset, 1);
    corrupt.close();
  }));

test('quorum state and snapshots are written atomically and read back', () =>
  withDir((dir) => {
    assert.equal(readQuorumState(dir), null);
    writeQuorumState(dir, { leaderEpoch: 4, leaderId: -1, votedId: 2 });
    assert.deepEqual(readQuorumState(dir), { leaderEpoch: 4, leaderId: -1, votedId: 2 });
    assert.equal(readLatestSnapshot(dir), null);
    writeSnapshot(dir, { endOffset: 10, epoch: 2 }, Buffer.from('state-10'), 0);
    writeSnapshot(dir, { endOffset: 20, epoch: 3 }, Buffer.from('state-20'), 0);
    const latest = readLatestSnapshot(dir)!;
    assert.deepEqual(latest.id, { endOffset: 20, epoch: 3 });
    assert.equal(Buffer.from(latest.bytes).toString(), 'state-20');
  }));
