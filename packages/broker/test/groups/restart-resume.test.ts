/**
 * Committed offsets survive a broker restart, graceful (SIGTERM) or not
 * (kill -9): a consumer of the group resumes exactly after the last commit.
 * The broker runs as a child process and the client is kafkajs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { type ChildBroker, removeDir, spawnBroker, tempDir } from '../integration/harness.js';

const { Kafka, logLevel } = kafkajs;
const SETTINGS = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '5',
};
const RECORDS_PER_PARTITION = 30;

function client(broker: ChildBroker): kafkajs.Kafka {
  return new Kafka({ clientId: 'restart-resume', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}

/** Consumes until `until` says stop; returns the first offset seen per partition. */
async function consume(
  kafka: kafkajs.Kafka,
  groupId: string,
  onMessage: (partition: number, offset: bigint, consumer: kafkajs.Consumer) => Promise<boolean>,
): Promise<Map<number, bigint>> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 3_000, heartbeatInterval: 300, maxWaitTimeInMs: 100 });
  const first = new Map<number, bigint>();
  await consumer.connect();
  await consumer.subscribe({ topic: 'payments', fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const offset = BigInt(message.offset);
      if (!first.has(partition)) first.set(partition, offset);
      if (await onMessage(partition, offset, consumer)) done();
    },
  });
  const timer = setTimeout(done, 20_000);
  await finished;
  clearTimeout(timer);
  await consumer.disconnect();
  return first;
}

for (const how of ['SIGTERM', 'SIGKILL'] as const) {
  test(`consumers resume exactly after the last commit across a ${how} restart`, async () => {
    const dataDir = tempDir();
    let broker = await spawnBroker(dataDir, 0, SETTINGS);
    try {
      let kafka = client(broker);
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'payments', numPartitions: 2 }] });
      await admin.disconnect();
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'payments',
        messages: Array.from({ length: 2 * RECORDS_PER_PARTITION }, (_, i) => ({ value: `p${i}`, partition: i % 2 })),
      });
      await producer.disconnect();

      // Commit after offset 11 on partition 0 and after 19 on partition 1, then stop reading.
      const commitAfter = new Map([
        [0, 11n],
        [1, 19n],
      ]);
      const committedNext = new Map<number, bigint>();
      await consume(kafka, 'billing', async (partition, offset, consumer) => {
        if (offset === commitAfter.get(partition)) {
          await consumer.commitOffsets([{ topic: 'payments', partition, offset: String(offset + 1n) }]);
          committedNext.set(partition, offset + 1n);
        }
        return committedNext.size === 2;
      });
      assert.equal(committedNext.size, 2);

      broker.child.kill(how);
      const code = await broker.exited;
      if (how === 'SIGTERM') assert.equal(code, 0, 'graceful shutdown');
      broker = await spawnBroker(dataDir, 0, SETTINGS);
      kafka = client(broker);

      const check = kafka.admin();
      await check.connect();
      const fetched = await check.fetchOffsets({ groupId: 'billing', topics: ['payments'] });
      assert.deepEqual(fetched[0]!.partitions.map((p) => [p.partition, p.offset]).sort(), [
        [0, '12'],
        [1, '20'],
      ]);
      const described = await check.describeGroups(['billing']);
      assert.equal(described.groups[0]!.state, 'Empty');
      assert.equal(described.groups[0]!.protocolType, 'consumer');
      await check.disconnect();

      const seen = new Map<number, number>();
      const firstAfterRestart = await consume(kafka, 'billing', async (partition) => {
        seen.set(partition, (seen.get(partition) ?? 0) + 1);
        return (seen.get(0) ?? 0) === RECORDS_PER_PARTITION - 12 && (seen.get(1) ?? 0) === RECORDS_PER_PARTITION - 20;
      });
      assert.deepEqual(
        [...firstAfterRestart].sort(),
        [
          [0, 12n],
          [1, 20n],
        ],
        'resumed exactly after the commits',
      );
      assert.deepEqual([...seen].sort(), [
        [0, RECORDS_PER_PARTITION - 12],
        [1, RECORDS_PER_PARTITION - 20],
      ]);
    } finally {
      broker.child.kill('SIGKILL');
      await broker.exited;
      removeDir(dataDir);
    }
  });
}
