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
});
