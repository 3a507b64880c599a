import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { DEFAULT_LOG_CONFIG, LogManager } from '../src/index.js';
import { decodeRecords, simpleBatch } from './batch-builder.js';
import { T0, tempDir } from './helpers.js';

const child = fileURLToPath(new URL('./fixtures/append-forever.js', import.meta.url));

describe('kill -9 under load (real process)', () => {
  it('every acknowledged append is there after restart, and the log goes on', async () => {
    const t = tempDir();
    try {
      const acked = new Map<number, bigint>();
      const proc = spawn(process.execPath, [child, t.dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let pending = '';
      let lineCount = 0;
      let enough: () => void = () => {};
      const loaded = new Promise<void>((resolve) => {
        enough = resolve;
      });
      proc.once('exit', () => enough());
      proc.stdout.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const [p, offset] = line.split(' ');
          acked.set(Number(p), BigInt(offset));
          if (++lineCount === 2000) enough();
        }
      });
      await loaded; // kill while it is writing as fast as it can
      proc.kill('SIGKILL');
      await new Promise((r) => proc.once('exit', r));
      assert.equal(acked.size, 4, 'the child acknowledged appends to every partition');

      const logs = await LogManager.open({
        logDirs: [t.dir],
        clock: new ManualClock(T0),
        defaults: DEFAULT_LOG_CONFIG,
      });
      for (const [partition, lastAcked] of acked) {
        const log = logs.get('crash', partition)!;
        assert.ok(
          log.logEndOffset > lastAcked,
          `partition ${partition}: LEO ${log.logEndOffset} <= acked ${lastAcked}`,
        );
        // Every offset up to the end reads back, in order, with no gap.
        let next = 0n;
        while (next < log.logEndOffset) {
          const records = decodeRecords(log.read(next, 1 << 20, true).records).filter((r) => r.offset >= next);
          assert.ok(records.length > 0);
          for (const r of records) assert.equal(r.offset, next++);
        }
        assert.equal(log.append(simpleBatch(2, T0), T0).baseOffset, log.logEndOffset - 2n);
      }
      await logs.close();
    } finally {
      t.cleanup();
    }
  });
});
