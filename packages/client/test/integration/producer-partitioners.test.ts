// Partitioners through a real broker: keyed records land where the Java
// client puts them; keyless ones follow KIP-794's uniform sticky rule; the
// round-robin partitioner cycles as Java's does; a custom one is obeyed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '@fluxo/core';
import { Admin, DefaultPartitioner, type Partitioner, Producer } from '../../src/index.js';
import { storedBatches } from './broker-log.js';
import { BrokerProcess } from './broker-process.js';
import { hasKcat, javaPeer, javaUnavailable, kcatLines } from './other-clients.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('partitioners through the broker', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('keyed records go to the same partition as with the Java client (default partitioner, murmur2)', async (t) => {
    const why = javaUnavailable();
    if (why) return t.skip(why);
    const topic = 'keyed';
    await admin.createTopics([{ topic, numPartitions: 7 }]);
    const keys = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? `user-${i * 7919}` : `ключ-${i}-é✓`));
    const java = await javaPeer<{ partitions: number[] }>([
      'produce-keys',
      broker.bootstrap,
      topic,
      ...keys.map((k) => Buffer.from(k, 'utf8').toString('hex')),
    ]);
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
    });
    const ours = await Promise.all(keys.map((key) => producer.send({ topic, key, value: 'fluxo' })));
    await producer.close();
    assert.ok(new Set(ours.map((m) => m.partition)).size === 7, 'keys spread over every partition');
    assert.deepEqual(
      ours.map((m) => m.partition),
      java.partitions,
    );
  });

  it('keyless records stick to a partition for about batch.size bytes, then move on (KIP-794)', async () => {
    const topic = 'keyless';
    await admin.createTopics([{ topic, numPartitions: 4 }]);
    const random = new SeededRandom(11);
    const batchSize = 2048;
    const producer = new Producer<null, string>({
      bootstrapServers: broker.bootstrap,
      valueSerializer: 'string',
      batchSize,
      lingerMs: 50,
      partitioner: new DefaultPartitioner({ batchSize, random: () => random.next() }),
    });
    const value = (i: number) => `${i}:`.padEnd(100, '-');
    const acks = await Promise.all(Array.from({ length: 2000 }, (_, i) => producer.send({ topic, value: value(i) })));
    await producer.close();
    // Runs of consecutive records on one partition.
    const runs: { partition: number; records: number }[] = [];
    for (const m of acks) {
      const last = runs.at(-1);
      if (last?.partition === m.partition) last.records++;
      else runs.push({ partition: m.partition, records: 1 });
    }
    // A sticky period ends after batch.size bytes (its batch full) and at most twice that; the next one may
    // pick the same partition again, so a run is one or more periods.
    const recordBytes = 21 + 100; // the producer's size estimate for each of these records
    for (const run of runs.slice(0, -1)) {
      assert.ok(run.records * recordBytes >= batchSize, `moved on after only ${run.records * recordBytes} bytes`);
    }
    const periodsMin = Math.floor((acks.length * recordBytes) / (2 * batchSize + recordBytes));
    assert.ok(runs.length >= periodsMin / 2, `${runs.length} runs for at least ${periodsMin} sticky periods`);
    const perPartition = [0, 1, 2, 3].map((p) => acks.filter((m) => m.partition === p).length);
    assert.ok(
      perPartition.every((n) => n >= 200),
      `every partition gets a share: ${perPartition}`,
    );
    for (let p = 0; p < 4; p++) {
      for (const b of storedBatches(broker.dataDir, topic, p)) assert.ok(b.sizeBytes <= batchSize);
    }
  });

  it('round-robin cycles through every partition in turn, like Java’s RoundRobinPartitioner', async (t) => {
    const topic = 'round-robin';
    await admin.createTopics([{ topic, numPartitions: 4 }]);
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      partitioner: 'round-robin',
    });
    const ours: number[] = [];
    for (let i = 0; i < 12; i++)
      ours.push((await producer.send({ topic, key: 'same-key', value: `rr-${i}` })).partition);
    await producer.close();
    const cycles = (list: number[]) => {
      for (let i = 0; i + 4 <= list.length; i += 4) assert.equal(new Set(list.slice(i, i + 4)).size, 4, `${list}`);
      assert.deepEqual(list.slice(4), list.slice(0, -4), `${list}`);
    };
    cycles(ours);
    assert.deepEqual(ours.slice(0, 4), [0, 1, 2, 3]);
    const why = javaUnavailable();
    if (why) return t.skip(why);
    // Java cycles over the partitions in the order of the Metadata answer; ours in partition order.
    const java = await javaPeer<{ partitions: number[] }>(['produce-round-robin', broker.bootstrap, topic, '12']);
    cycles(java.partitions);
  });

  it('a custom partitioner decides, and each record is where it said', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const topic = 'custom-partitioner';
    await admin.createTopics([{ topic, numPartitions: 3 }]);
    const byLength: Partitioner = { partition: (ctx) => (ctx.key?.length ?? 0) % ctx.numPartitions };
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      partitioner: byLength,
    });
    const keys = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const acks = await Promise.all(keys.map((key) => producer.send({ topic, key, value: key })));
    await producer.close();
    assert.deepEqual(
      acks.map((m) => m.partition),
      keys.map((k) => k.length % 3),
    );
    for (let p = 0; p < 3; p++) {
      assert.deepEqual(
        await kcatLines(broker.bootstrap, topic, p, '%k'),
        keys.filter((k) => k.length % 3 === p),
      );
    }
  });
});
