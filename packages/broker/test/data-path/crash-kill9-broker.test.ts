import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';

const BIN = fileURLToPath(new URL('../../src/bin.js', import.meta.url));

/** Starts the broker as a real process; resolves with its address once it logs the start-up line. */
function startBroker(dataDir: string): Promise<{ proc: ChildProcess; bootstrap: string }> {
  const proc = spawn(process.execPath, [BIN, '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`broker did not start: ${seen}`)), 15_000);
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /advertised=(\S+:\d+)/.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ proc, bootstrap: match[1] });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`broker exited with ${code}: ${seen}`)));
  });
}

describe('broker killed with SIGKILL under produce load (real process)', () => {
  it('keeps every acknowledged record across the restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fluxo-kill9-'));
    let broker = await startBroker(dataDir);
    try {
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'crash', numPartitions: 2 }], waitForLeaders: true });
      await admin.disconnect();
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const acked = new Map<number, bigint>();
      let stop = false;
      const load = (async () => {
        for (let round = 0; !stop; round++) {
          try {
            const results = await producer.send({
              topic: 'crash',
              acks: 1,
              messages: Array.from({ length: 50 }, (_, i) => ({
                partition: i % 2,
                value: `r${round}-${i}`.padEnd(200, '.'),
              })),
            });
            for (const r of results) {
              // baseOffset is the first offset of this partition's batch of 25
              const last = BigInt(r.baseOffset!) + 24n;
              if (last > (acked.get(r.partition) ?? -1n)) acked.set(r.partition, last);
            }
          } catch {
            return; // the broker is gone
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 1500));
      broker.proc.kill('SIGKILL');
      stop = true;
      await load;
      await producer.disconnect().catch(() => {});
      assert.equal(acked.size, 2, 'records were acknowledged before the kill');

      broker = await startBroker(dataDir);
      const kafka2 = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin2 = kafka2.admin();
      await admin2.connect();
      const offsets = await admin2.fetchTopicOffsets('crash');
      await admin2.disconnect();
      for (const o of offsets) {
        const lastAcked = acked.get(o.partition)!;
        assert.ok(
          BigInt(o.high) > lastAcked,
          `partition ${o.partition}: end ${o.high}, acknowledged up to ${lastAcked}`,
        );
      }
    } finally {
      broker.proc.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
