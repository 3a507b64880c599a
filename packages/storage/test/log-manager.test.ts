import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { DEFAULT_LOG_CONFIG, LogManager } from '../src/index.js';
import { simpleBatch } from './batch-builder.js';
import { config, T0, tempDir } from './helpers.js';

describe('LogManager', () => {
  let t: ReturnType<typeof tempDir>;
  let clock: ManualClock;
  let logs: LogManager;
  beforeEach(async () => {
    t = tempDir();
    clock = new ManualClock(T0);
    logs = await LogManager.open({
      logDirs: [join(t.dir, 'a'), join(t.dir, 'b')],
      clock,
      defaults: DEFAULT_LOG_CONFIG,
    });
  });
  afterEach(async () => {
    await logs.close();
    t.cleanup();
  });

  it('spreads new partitions over the log dirs', () => {
    for (let p = 0; p < 4; p++) logs.getOrCreate('spread', p, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    const inA = [0, 1, 2, 3].filter((p) => existsSync(join(t.dir, 'a', `spread-${p}`))).length;
    assert.equal(inA, 2);
  });

  it('getOrCreate and updateConfig apply a new config to open logs; checkRetention uses it', () => {
    const log = logs.getOrCreate('cfg', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    log.append(simpleBatch(1, T0), T0);
    clock.advance(10_000);
    assert.equal(logs.checkRetention(), 0);
    logs.updateConfig('cfg', config({ retentionMs: 5000 }));
    assert.equal(log.config.retentionMs, 5000);
    assert.equal(logs.checkRetention(), 1);
    assert.equal(log.logStartOffset, 1n);
    const same = logs.getOrCreate('cfg', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ retentionMs: 7 }));
    assert.equal(same, log);
    assert.equal(log.config.retentionMs, 7);
  });

  it('flush.messages fsyncs and moves the recovery point; rolled segments are flushed by flushDue', async () => {
    const eager = logs.getOrCreate('eager', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ flushMessages: 2 }));
    eager.append(simpleBatch(1, T0), T0);
    assert.equal(eager.recoveryPoint, 0n);
    eager.append(simpleBatch(1, T0), T0);
    assert.equal(eager.recoveryPoint, 2n);

    const rolling = logs.getOrCreate('rolling', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ segmentBytes: 300 }));
    for (let i = 0; i < 4; i++) rolling.append(simpleBatch(1, T0, 200), T0);
    assert.equal(rolling.recoveryPoint, 0n);
    await logs.flushDue();
    assert.equal(rolling.recoveryPoint, rolling.segmentBaseOffsets().at(-1));
  });

  it('flush.ms fsyncs once data has waited that long', async () => {
    const timed = logs.getOrCreate('timed', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ flushMs: 1000 }));
    timed.append(simpleBatch(3, T0), T0);
    await logs.flushDue();
    assert.equal(timed.recoveryPoint, 0n);
    clock.advance(1000);
    await logs.flushDue();
    assert.equal(timed.recoveryPoint, 3n);
  });
});
