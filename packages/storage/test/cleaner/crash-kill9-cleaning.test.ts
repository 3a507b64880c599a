import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { DEFAULT_LOG_CONFIG, LogManager } from '../../src/index.js';
import { T0, tempDir } from '../helpers.js';
import { readAll } from './compaction-helpers.js';

const child = fileURLToPath(new URL('../fixtures/compact-forever.js', import.meta.url));

describe('kill -9 while the cleaner runs (real process)', () => {
  it('after restart every key has its last acknowledged value or a later one, with no record lost twice or duplicated', async () => {
    const t = tempDir();
    try {
      const acked = new Map<string, number>();
      const proc = spawn(process.execPath, [child, t.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let pending = '';
      let lines = 0;
      let enough: () => void = () => {};
      const loaded = new Promise<void>((resolve) => {
        enough = resolve;
      });
      proc.once('exit', () => enough());
      proc.stdout.on('data', (chunk: Buffer) => {
        const parts = (pending + chunk.toString()).split('\n');
        pending = parts.pop()!;
        for (const line of parts) {
          const [key, seq] = line.split(' ');
          acked.set(key, Number(seq));
          if (++lines === 12_000) enough();
        }
      });
      await loaded;
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      assert.equal(acked.size, 20, 'the child acknowledged updates of every key');

      const logs = await LogManager.open({
        logDirs: [t.dir],
        clock: new ManualClock(T0),
        defaults: DEFAULT_LOG_CONFIG,
      });
      const log = logs.get('compacted', 0)!;
      const records = readAll(log);
      const seen = new Set<bigint>();
      const latest = new Map<string, number>();
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        assert.ok(
          !seen.has(r.offset) && (i === 0 || r.offset > records[i - 1].offset),
          `offset ${r.offset} in order, once`,
        );
        seen.add(r.offset);
        const seq = Number.parseInt(r.value!, 10);
        assert.ok(seq > (latest.get(r.key!) ?? -1), `key ${r.key}: values only move forward`);
        latest.set(r.key!, seq);
      }
      for (const [key, seq] of acked)
        assert.ok((latest.get(key) ?? -1) >= seq, `${key}: acked ${seq}, read ${latest.get(key)}`);
      assert.ok(records.length < lines, `the cleaner removed something (${records.length} of ${lines} records)`);
      await logs.close();
    } finally {
      t.cleanup();
    }
  });
});
