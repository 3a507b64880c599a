import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Entry, entriesAfterSnapshot, MemoryLog, quorumOffset } from '../../src/core/index.js';

const e = (epoch: number): Entry => ({ epoch, control: false, data: new Uint8Array([epoch]) });

test('endOffsetForEpoch answers with the largest epoch at or below and where it ends', () => {
  const log = new MemoryLog({ endOffset: 0, epoch: 0 }, [e(1), e(1), e(3), e(3), e(3), e(5)]);
  assert.deepEqual(log.endOffsetForEpoch(0), { endOffset: 0, epoch: 0 });
  assert.deepEqual(log.endOffsetForEpoch(1), { endOffset: 2, epoch: 1 });
  assert.deepEqual(log.endOffsetForEpoch(2), { endOffset: 2, epoch: 1 });
  assert.deepEqual(log.endOffsetForEpoch(4), { endOffset: 5, epoch: 3 });
  assert.deepEqual(log.endOffsetForEpoch(9), { endOffset: 6, epoch: 5 });
});

test('after a snapshot, epochs older than it are unknown', () => {
  const log = new MemoryLog({ endOffset: 10, epoch: 2 }, [e(3)]);
  assert.deepEqual(log.endOffsetForEpoch(1), { endOffset: -1, epoch: -1 });
  assert.deepEqual(log.endOffsetForEpoch(2), { endOffset: 10, epoch: 2 });
  assert.equal(log.epochAt(9), 2);
  assert.equal(log.lastEpoch, 3);
});

test('quorumOffset is the offset a majority reached (checked against a naive count)', () => {
  for (let seed = 0; seed < 500; seed++) {
    const n = 1 + (seed % 7);
    const offsets = Array.from({ length: n }, (_, i) => (seed * 7919 + i * 104729) % 50);
    const majority = Math.floor(n / 2) + 1;
    const naive = Math.max(...offsets.filter((o) => offsets.filter((x) => x >= o).length >= majority));
    assert.equal(quorumOffset(offsets, majority), naive);
  }
});

test('recovery keeps the log after the snapshot only when it agrees with it', () => {
  const log = [e(1), e(1), e(2), e(2)];
  assert.equal(entriesAfterSnapshot({ endOffset: 2, epoch: 1 }, 0, log).length, 2);
  assert.equal(entriesAfterSnapshot({ endOffset: 2, epoch: 9 }, 0, log).length, 0);
  assert.equal(entriesAfterSnapshot({ endOffset: 5, epoch: 2 }, 0, log).length, 0);
  assert.equal(entriesAfterSnapshot({ endOffset: 0, epoch: 0 }, 0, [e(2), e(1)]).length, 1);
});
