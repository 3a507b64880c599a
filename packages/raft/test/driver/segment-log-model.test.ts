import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManualClock, SeededRandom } from '@fluxo/core';
import type { Entry } from '../../src/core/index.js';
import { SegmentLog } from '../../src/driver/segment-log.js';

const T0 = 1_700_000_000_000;
const SEGMENT_BYTES = 400; // a few batches per segment, so truncations and prefix drops cross segments

const view = (entries: readonly Entry[]) =>
  entries.map((e) => `${e.epoch}${e.control ? 'c' : ''}:${Buffer.from(e.data).toString()}`);

/**
 * Random appends (epochs never going back, as in Raft), truncations (often inside a batch),
 * prefix drops, snapshot resets and reopens against an array model of the log.
 */
test('SegmentLog agrees with a model of the log through truncations, prefix drops and reopens', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const dir = mkdtempSync(join(tmpdir(), 'fluxo-raft-seglog-'));
    const random = new SeededRandom(seed);
    const open = () => new SegmentLog(dir, new ManualClock(T0), () => 1, SEGMENT_BYTES);
    try {
      let log = open();
      let start = 0;
      let model: Entry[] = [];
      let epoch = 1;
      let written = 0;
      for (let step = 0; step < 300; step++) {
        const end = start + model.length;
        const op = random.int(100);
        if (op < 55) {
          if (random.int(4) === 0) epoch++;
          const burst: Entry[] = [];
          for (let i = random.int(6) + 1; i > 0; i--) {
            const control = random.int(8) === 0;
            burst.push({ epoch, control, data: control ? Buffer.alloc(0) : Buffer.from(`e${written++}`) });
          }
          log.append(end, burst);
          model.push(...burst);
        } else if (op < 75) {
          const to = start + random.int(model.length + 1);
          log.truncateTo(to);
          model = model.slice(0, to - start);
        } else if (op < 85) {
          const to = start + random.int(model.length + 1);
          log.dropPrefix(to);
          model = model.slice(to - start);
          start = to;
        } else if (op < 88) {
          start = end + random.int(5);
          model = [];
          log.resetTo(start);
        } else {
          log.close();
          log = open();
          assert.ok(log.logStartOffset <= start, `seed ${seed} step ${step}: reopened start ${log.logStartOffset}`);
          assert.equal(log.endOffset, start + model.length, `seed ${seed} step ${step}: reopened end`);
          assert.deepEqual(view(log.recovered.slice(start - log.logStartOffset)), view(model), `seed ${seed}`);
          log.recovered = [];
          log.dropPrefix(start);
        }
        assert.equal(log.endOffset, start + model.length, `seed ${seed} step ${step} op ${op}: end`);
        assert.ok(log.logStartOffset <= start, `seed ${seed} step ${step}: start`);
      }
      log.close();
      const last = open();
      assert.deepEqual(view(last.recovered.slice(start - last.logStartOffset)), view(model));
      last.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
