// The Apache Kafka Java client (kafka-clients 4.0, the reference client) against
// Fluxo: admin topic creation, an acks=all lz4 producer with keys and headers, a
// consumer reading every record back, and the Java partitioner's choice for each
// key checked against our murmur2. The jars come from Maven Central through
// `npm run setup` (tools/java-peer); without Java or the jars the test is skipped.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { partitionForKey } from '@fluxo/protocol';
import { type RunningBroker, removeDir, run, startBroker } from './harness.js';

const PEER_DIR = fileURLToPath(new URL('../../../../../tools/java-peer/', import.meta.url));
const JARS = `${PEER_DIR}target/lib`;
const unavailable = existsSync(JARS) ? false : `no Java client jars in ${JARS} (run npm run setup)`;

function javaPeer(args: string[]) {
  return run('java', ['-cp', `${JARS}/*`, `${PEER_DIR}JavaPeer.java`, ...args], undefined, 90_000);
}

describe('the Java client (kafka-clients 4.0)', { skip: unavailable }, () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker?.stop();
    if (broker) removeDir(broker.dataDir);
  });

  it('creates a topic, produces keyed lz4 records with acks=all, and reads every one back', async () => {
    const partitions = 6;
    const created = await javaPeer(['create-topic', broker.bootstrap, 'java-orders', String(partitions)]);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(JSON.parse(created.stdout), { topic: 'java-orders', partitions });

    const count = 3000;
    const produced = await javaPeer(['produce', broker.bootstrap, 'java-orders', String(count), 'lz4', 'false']);
    assert.equal(produced.code, 0, produced.stderr);
    const report = JSON.parse(produced.stdout) as { sent: number; partitionOfKey: Record<string, number> };
    assert.equal(report.sent, count);
    const keys = Object.keys(report.partitionOfKey);
    assert.equal(keys.length, 50);
    for (const key of keys) {
      assert.equal(
        report.partitionOfKey[key],
        partitionForKey(Buffer.from(key), partitions),
        `Java put ${key} on partition ${report.partitionOfKey[key]}`,
      );
    }

    const consumed = await javaPeer(['consume', broker.bootstrap, 'java-orders', String(count)]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(JSON.parse(consumed.stdout), { consumed: count, mismatched: 0 });
  });

  it('consumes in groups: a second run resumes exactly after the first run commits; two members share partitions', async () => {
    const created = await javaPeer(['create-topic', broker.bootstrap, 'java-group', '4']);
    assert.equal(created.code, 0, created.stderr);
    const produced = await javaPeer(['produce', broker.bootstrap, 'java-group', '200', 'none', 'true']);
    assert.equal(produced.code, 0, produced.stderr);

    interface GroupRun {
      consumed: number;
      assigned: number[];
      first: Record<string, number>;
      next: Record<string, number>;
    }
    const groupConsume = async (group: string, max: number, assignor: string): Promise<GroupRun> => {
      const r = await javaPeer(['group-consume', broker.bootstrap, 'java-group', group, String(max), assignor, '3000']);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as GroupRun;
    };

    const firstRun = await groupConsume('java-resume', 120, 'range');
    assert.equal(firstRun.consumed, 120);
    assert.deepEqual(firstRun.assigned, [0, 1, 2, 3]);
    const secondRun = await groupConsume('java-resume', 1000, 'range');
    assert.equal(secondRun.consumed, 80, 'only what the first run did not commit');
    for (const [partition, offset] of Object.entries(secondRun.first)) {
      assert.equal(offset, firstRun.next[partition] ?? 0, `partition ${partition} resumes at the committed offset`);
    }

    const [a, b] = await Promise.all([
      groupConsume('java-pair', 1000, 'cooperative-sticky'),
      groupConsume('java-pair', 1000, 'cooperative-sticky'),
    ]);
    assert.equal(a.consumed + b.consumed, 200, 'every record once across the pair');
    assert.ok(a.assigned.length > 0 && b.assigned.length > 0, `shares: ${a.assigned} / ${b.assigned}`);
    assert.deepEqual([...a.assigned, ...b.assigned].sort(), [0, 1, 2, 3]);
  });
});
