import assert from 'node:assert/strict';
import { closeSync, openSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock, systemClock } from '@fluxo/core';
import { CLEANER_OFFSET_CHECKPOINT, DEFAULT_LOG_CONFIG, LogManager, readCheckpoint } from '../../src/index.js';
import { openLog, T0, tempDir } from '../helpers.js';
import { appendKv, COMPACT, cleanerFor, latestByKey, readAll } from './compaction-helpers.js';

const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('cleaning in the background and bad data', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('the LogManager cleans compacted logs on its timer in short ticks, reads stay consistent, and the checkpoint persists', async () => {
    const logs = await LogManager.open({
      logDirs: [t.dir],
      clock: systemClock,
      defaults: DEFAULT_LOG_CONFIG,
      cleaner: { backoffMs: 20, ioBufferSize: 4096, tickMs: 2 },
    });
    const config = { ...DEFAULT_LOG_CONFIG, ...COMPACT, segmentBytes: 16 * 1024 };
    const log = logs.getOrCreate('compacted', 0, TOPIC_ID, config);
    const plain = logs.getOrCreate('plain', 0, TOPIC_ID, { ...DEFAULT_LOG_CONFIG, segmentBytes: 16 * 1024 });
    for (let i = 0; i < 3000; i++) {
      appendKv(log, [{ key: `k${i % 50}`, value: `v${i}`.padEnd(100, '.') }], Date.now());
      appendKv(plain, [{ key: `k${i % 50}`, value: `v${i}` }], Date.now());
    }
    const expected = latestByKey(readAll(log));
    logs.startBackgroundTasks();
    // While it cleans, every full read is a consistent log: latest values unchanged.
    let reads = 0;
    await until(() => {
      assert.deepEqual(latestByKey(readAll(log)), expected);
      reads++;
      return log.cleanerCheckpoint === log.segmentList.at(-1)!.baseOffset;
    }, 'the cleaner to reach the active segment');
    assert.ok(reads >= 1);
    const activeBase = log.segmentList.at(-1)!.baseOffset;
    assert.equal(readAll(log).filter((r) => r.offset < activeBase).length, 50);
    assert.equal(readAll(plain).length, 3000, 'cleanup.policy=delete is left alone');
    assert.ok(logs.cleaner.metrics.ticks > 1, 'the work was split into ticks');
    await logs.close();
    const saved = readCheckpoint(join(t.dir, CLEANER_OFFSET_CHECKPOINT));
    assert.equal(saved.get('compacted-0'), activeBase);
    assert.equal(saved.get('plain-0'), undefined);
    const reopened = await LogManager.open({ logDirs: [t.dir], clock: systemClock, defaults: DEFAULT_LOG_CONFIG });
    assert.equal(reopened.get('compacted', 0)!.cleanerCheckpoint, activeBase);
    await reopened.close();
  });

  it('log.cleaner.enable=false: the background tasks run without the cleaner', async () => {
    const logs = await LogManager.open({
      logDirs: [t.dir],
      clock: systemClock,
      defaults: DEFAULT_LOG_CONFIG,
      cleaner: { enable: false, backoffMs: 5 },
    });
    const log = logs.getOrCreate('c', 0, TOPIC_ID, { ...DEFAULT_LOG_CONFIG, ...COMPACT });
    for (let i = 0; i < 100; i++) appendKv(log, [{ key: `k${i % 5}`, value: 'v' }], Date.now());
    log.roll();
    logs.startBackgroundTasks();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(readAll(log).length, 100);
    assert.equal(logs.cleaner.metrics.passes, 0);
    await logs.close();
  });

  it('closing while a pass runs stops it and leaves no .cleaned files', async () => {
    const logs = await LogManager.open({
      logDirs: [t.dir],
      clock: systemClock,
      defaults: DEFAULT_LOG_CONFIG,
      cleaner: { backoffMs: 10, ioBufferSize: 512, tickMs: 0.01 },
    });
    const log = logs.getOrCreate('c', 0, TOPIC_ID, { ...DEFAULT_LOG_CONFIG, ...COMPACT, segmentBytes: 1 << 20 });
    for (let i = 0; i < 5000; i++) appendKv(log, [{ key: `k${i % 10}`, value: 'x'.repeat(200) }], Date.now());
    log.roll();
    const dir = log.dir;
    logs.startBackgroundTasks();
    await until(() => readdirSync(dir).some((f) => f.endsWith('.cleaned')), 'a pass to start writing');
    await logs.close();
    assert.deepEqual(
      readdirSync(dir).filter((f) => /\.(cleaned|swap|deleted)$/.test(f)),
      [],
    );
  });

  it('a corrupt batch marks the partition uncleanable and is reported, the log stays readable', () => {
    const clock = new ManualClock(T0);
    const log = openLog(t.dir, COMPACT, clock);
    for (let i = 0; i < 20; i++) appendKv(log, [{ key: `k${i % 3}`, value: `value-${i}` }], clock.nowMs());
    log.roll();
    appendKv(log, [{ key: 'k0', value: 'active' }], clock.nowMs());
    // Flip bytes inside the fifth batch's records: the CRC no longer matches.
    const segmentFile = join(log.dir, '00000000000000000000.log');
    const batchSize = log.read(0n, 1 << 20, true).records.readInt32BE(8) + 12;
    const fd = openSync(segmentFile, 'r+');
    writeSync(fd, Buffer.from('garbage'), 0, 7, 4 * batchSize + 64);
    closeSync(fd);
    const warnings: string[] = [];
    const cleaner = cleanerFor([log], clock, {}, warnings);
    assert.deepEqual(cleaner.cleanNow(), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /uncleanable.*topic-0.*corrupt record batch/);
    assert.deepEqual(cleaner.uncleanablePartitions(), ['topic-0']);
    assert.equal(cleaner.pickFilthiest(), undefined, 'skipped from now on');
    assert.equal(log.segmentCount, 2, 'nothing was swapped');
    assert.ok(!readdirSync(log.dir).some((f) => f.endsWith('.cleaned')));
    log.close();
  });

  it('a corrupt batch length is caught the same way', () => {
    const clock = new ManualClock(T0);
    const log = openLog(t.dir, COMPACT, clock);
    for (let i = 0; i < 20; i++) appendKv(log, [{ key: `k${i % 3}`, value: `value-${i}` }], clock.nowMs());
    log.roll();
    const batchSize = log.read(0n, 1 << 20, true).records.readInt32BE(8) + 12;
    const fd = openSync(join(log.dir, '00000000000000000000.log'), 'r+');
    const huge = Buffer.alloc(4);
    huge.writeInt32BE(0x7ffffff0);
    writeSync(fd, huge, 0, 4, 2 * batchSize + 8);
    closeSync(fd);
    const warnings: string[] = [];
    assert.deepEqual(cleanerFor([log], clock, {}, warnings).cleanNow(), []);
    assert.match(warnings[0] ?? '', /corrupt batch length/);
    log.abandon();
  });
});
