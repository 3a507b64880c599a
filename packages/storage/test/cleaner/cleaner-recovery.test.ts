import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { CleanPass, cleanableRange, SwapStep } from '../../src/index.js';
import { openLog, T0, tempDir } from '../helpers.js';
import { appendKv, COMPACT, cleanerFor, type ReadRecord, readAll } from './compaction-helpers.js';

const CONFIG = { ...COMPACT, segmentBytes: 1024 };

describe('cleaner crash recovery', () => {
  let t: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  beforeEach(() => {
    t = tempDir();
    clock = new ManualClock(T0);
  });
  afterEach(() => t.cleanup());
  const partitionDir = () => join(t.dir, 'topic-0');

  /** A log of several segments with much to clean; returns what a consumer reads before cleaning. */
  function dirtyLog(): { log: ReturnType<typeof openLog>; before: ReadRecord[]; activeBase: bigint } {
    const log = openLog(t.dir, CONFIG, clock);
    for (let i = 0; i < 120; i++) appendKv(log, [{ key: `k${i % 7}`, value: `v${i}`.padEnd(40, '-') }], clock.nowMs());
    appendKv(log, [{ key: 'k0', value: 'in the active segment' }], clock.nowMs());
    log.updateConfig({ ...log.config, segmentBytes: 64 * 1024 }); // one group: every segment is cleaned in one swap
    return { log, before: readAll(log), activeBase: log.segmentList.at(-1)!.baseOffset };
  }

  /** The log reads as either the uncleaned or the cleaned version: same latest value per key, offsets increasing, nothing duplicated. */
  function assertConsistent(
    after: ReadRecord[],
    before: ReadRecord[],
    cleaned: boolean | undefined,
    activeBase = 0n,
  ): void {
    const beforeByOffset = new Map(before.map((r) => [r.offset, r]));
    for (let i = 0; i < after.length; i++) {
      if (i > 0) assert.ok(after[i].offset > after[i - 1].offset, `offsets increase at ${after[i].offset}`);
      assert.deepEqual(after[i], beforeByOffset.get(after[i].offset), `record at ${after[i].offset} unchanged`);
    }
    const latest = (rs: ReadRecord[]) => new Map(rs.map((r) => [r.key, r.value]));
    assert.deepEqual(latest(after), latest(before));
    const inActive = before.filter((r) => r.offset >= activeBase).length;
    if (cleaned === true)
      assert.equal(after.length, 7 + inActive, 'seven keys below the active segment, and all of it');
    else if (cleaned === false) assert.deepEqual(after, before);
  }

  const cases: [string, number, boolean][] = [
    ['after the cleaned segment became .swap (the commit point)', SwapStep.toSwap, true],
    ['after the replaced segments were renamed .deleted', SwapStep.oldToDeleted, true],
    ['after the swap took its final name, before .deleted files went', SwapStep.toFinal, true],
  ];
  for (const [name, step, cleaned] of cases) {
    it(`a crash ${name} is finished at open`, () => {
      const { log, before, activeBase } = dirtyLog();
      const stats = cleanerFor([log], clock).cleanNow(log, step);
      assert.equal(stats.length, 1);
      const files = readdirSync(partitionDir());
      if (step === SwapStep.toSwap)
        assert.ok(
          files.some((f) => f.endsWith('.log.swap')),
          files.join(' '),
        );
      if (step === SwapStep.oldToDeleted) assert.ok(files.some((f) => f.endsWith('.log.deleted')));
      log.abandon(); // as a killed process would leave it (no flush, no snapshot)
      const reopened = openLog(t.dir, CONFIG, clock);
      assert.equal(reopened.recoveredSwaps.length, step === SwapStep.toFinal ? 0 : 1);
      assertConsistent(readAll(reopened), before, cleaned, activeBase);
      const left = readdirSync(partitionDir()).filter((f) => /\.(cleaned|swap|deleted)$/.test(f));
      assert.deepEqual(left, []);
      // The log goes on and cleans again.
      appendKv(reopened, [{ key: 'k1', value: 'after restart' }], clock.nowMs());
      reopened.roll();
      cleanerFor([reopened], clock).cleanNow(reopened);
      assert.equal(readAll(reopened).find((r) => r.key === 'k1')?.value, 'after restart');
      reopened.close();
    });
  }

  for (const withSwapEnd of [true, false]) {
    it(`a swap whose group ends in wholly superseded segments is recovered ${withSwapEnd ? 'to its recorded end' : 'without its .swapend, consistently'}`, () => {
      const config = { ...COMPACT, segmentBytes: 200 };
      const log = openLog(t.dir, config, clock);
      appendKv(log, [{ key: 'x', value: 'kept' }], clock.nowMs());
      log.roll();
      appendKv(log, [{ key: 'a', value: 'old' }], clock.nowMs());
      log.roll();
      appendKv(log, [{ key: 'a', value: 'new'.padEnd(150, '.') }], clock.nowMs()); // its own group
      log.roll();
      appendKv(log, [{ key: 'z', value: 'active' }], clock.nowMs());
      const before = readAll(log);
      cleanerFor([log], clock).cleanNow(log, SwapStep.toSwap);
      log.abandon();
      if (!withSwapEnd) rmSync(join(partitionDir(), '00000000000000000000.swapend'));
      const reopened = openLog(t.dir, config, clock);
      const after = readAll(reopened);
      assertConsistent(after, before, undefined);
      assert.deepEqual(reopened.segmentBaseOffsets(), withSwapEnd ? [0n, 2n, 3n] : [0n, 1n, 2n, 3n]);
      assert.equal(
        after
          .filter((r) => r.key === 'a')
          .at(-1)
          ?.value?.startsWith('new'),
        true,
      );
      reopened.close();
    });
  }

  it('a crash while the .cleaned segment is being written leaves the old segments as they were', () => {
    const { log, before } = dirtyLog();
    const pass = new CleanPass(log, cleanableRange(log, clock.nowMs()), clock.nowMs(), {
      mapMemoryBytes: 1 << 20,
      loadFactor: 0.9,
      ioBufferSize: 256,
    });
    let steps = 0;
    while (pass.step() === 'more' && steps < 1000) steps++;
    assert.ok(readdirSync(partitionDir()).some((f) => f.endsWith('.log.cleaned')));
    // Reads meanwhile see the old segments.
    assert.deepEqual(readAll(log), before);
    log.abandon();
    const reopened = openLog(t.dir, CONFIG, clock);
    assertConsistent(readAll(reopened), before, false);
    assert.ok(!readdirSync(partitionDir()).some((f) => f.endsWith('.cleaned')));
    reopened.close();
  });

  it('stray .cleaned, .deleted and index .swap files from an older crash are removed', () => {
    const { log, before } = dirtyLog();
    log.close();
    const stem = join(partitionDir(), '00000000000000000000');
    writeFileSync(`${stem}.log.cleaned`, 'partial');
    writeFileSync(`${stem}.index.cleaned`, '');
    writeFileSync(`${stem}.index.swap`, '');
    writeFileSync(join(partitionDir(), '00000000000000000003.log.deleted'), 'old');
    const reopened = openLog(t.dir, CONFIG, clock);
    assert.deepEqual(readAll(reopened), before);
    for (const f of ['.log.cleaned', '.index.cleaned', '.index.swap']) assert.ok(!existsSync(stem + f), f);
    reopened.close();
  });

  it('an aborted pass (segments deleted meanwhile) removes its .cleaned files and changes nothing', () => {
    const { log } = dirtyLog();
    const pass = new CleanPass(log, cleanableRange(log, clock.nowMs()), clock.nowMs(), {
      mapMemoryBytes: 1 << 20,
      loadFactor: 0.9,
      ioBufferSize: 256,
    });
    while (pass.step() === 'more' && !readdirSync(partitionDir()).some((f) => f.endsWith('.log.cleaned'))) {}
    log.deleteRecordsBefore(60n); // deletes the first segments under the pass
    assert.throws(() => {
      for (let i = 0; i < 10_000; i++) if (pass.step() === 'flush') pass.flushSync();
    }, /segments changed/);
    pass.abort();
    assert.ok(!readdirSync(partitionDir()).some((f) => f.endsWith('.cleaned')));
    assert.ok(readAll(log).every((r) => r.offset >= 60n));
    log.close();
  });
});
