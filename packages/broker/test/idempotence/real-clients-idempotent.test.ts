import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeProducerSnapshot } from '@fluxo/storage';
import kafkajs from 'kafkajs';
import { producerIdBlockPath } from '../../src/producer-ids/producer-id-block-file.js';
import { kcat, python, removeDir, startBroker } from '../integration/harness.js';

const { Kafka, logLevel } = kafkajs;

/** Values of a topic's partition in offset order, read with kcat. */
async function readValues(bootstrap: string, topic: string, partition: number): Promise<string[]> {
  const r = await kcat(['-b', bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** Producer ids in the partitions' clean-shutdown snapshots: proof the batches were idempotent ones. */
function producerIdsInSnapshots(dataDir: string, topic: string, partitions: number): Set<bigint> {
  const ids = new Set<bigint>();
  for (let p = 0; p < partitions; p++) {
    const dir = join(dataDir, `${topic}-${p}`);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.snapshot'))) {
      const entries = decodeProducerSnapshot(readFileSync(join(dir, name)));
      assert.notEqual(typeof entries, 'string');
      for (const e of entries as { producerId: bigint }[]) ids.add(e.producerId);
    }
  }
  return ids;
}

async function checkExactlyOnce(bootstrap: string, topic: string, partitions: number, count: number): Promise<void> {
  const seen = new Set<string>();
  for (let p = 0; p < partitions; p++) {
    const values = await readValues(bootstrap, topic, p);
    let last = -1;
    for (const v of values) {
      assert.ok(!seen.has(v), `${v} stored twice`);
      seen.add(v);
      const n = Number(v.slice(2));
      assert.ok(n > last, `partition ${p}: ${v} out of order`);
      last = n;
    }
  }
  assert.equal(seen.size, count);
}

describe('idempotent producers of real clients', () => {
  it('kafkajs (idempotent: true) gets a producer id and writes every record once', async () => {
    const broker = await startBroker();
    try {
      const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'kjs-idem', numPartitions: 3 }] });
      await admin.disconnect();
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (let b = 0; b < 6; b++)
        await producer.send({
          topic: 'kjs-idem',
          acks: -1,
          messages: Array.from({ length: 250 }, (_, i) => ({ key: `k${i % 7}`, value: `v-${b * 250 + i}` })),
        });
      await producer.disconnect();
      await checkExactlyOnce(broker.bootstrap, 'kjs-idem', 3, 1500);
      assert.match(readFileSync(producerIdBlockPath(broker.dataDir), 'utf8'), /next\.block\.start=1000/);
      await broker.stop();
      assert.equal(producerIdsInSnapshots(broker.dataDir, 'kjs-idem', 3).size, 1);
    } finally {
      await broker.stop();
      removeDir(broker.dataDir);
    }
  });

  it('confluent-kafka (librdkafka, enable.idempotence) gets a producer id and writes every record once', async () => {
    const broker = await startBroker({ 'num.partitions': '3' });
    try {
      const r = await python(
        broker.bootstrap,
        `
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': BOOTSTRAP})
admin.create_topics([NewTopic('ck-idem', 3, 1)])['ck-idem'].result()
errors = []
p = Producer({'bootstrap.servers': BOOTSTRAP, 'enable.idempotence': True, 'linger.ms': 5})
for i in range(3000):
    p.produce('ck-idem', key=f'k{i % 11}', value=f'v-{i}', on_delivery=lambda e, m: e and errors.append(str(e)))
    p.poll(0)
assert p.flush(30) == 0
assert not errors, errors
print('ok')
`,
      );
      assert.equal(r.code, 0, r.stderr);
      await checkExactlyOnce(broker.bootstrap, 'ck-idem', 3, 3000);
      await broker.stop();
      assert.equal(producerIdsInSnapshots(broker.dataDir, 'ck-idem', 3).size, 1);
    } finally {
      await broker.stop();
      removeDir(broker.dataDir);
    }
  });
});
