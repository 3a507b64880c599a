import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { type RunningBroker, removeDir, startBroker } from './harness.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;

let broker: RunningBroker;
let admin: kafkajs.Admin;

before(async () => {
  broker = await startBroker({ 'num.partitions': '2' });
  admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
});
after(async () => {
  await admin.disconnect();
  await broker.stop();
  removeDir(broker.dataDir);
});

describe('kafkajs admin', () => {
  it('creates, lists and describes topics', async () => {
    assert.equal(
      await admin.createTopics({
        topics: [
          { topic: 'orders', numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '60000' }] },
          { topic: 'defaults' },
        ],
      }),
      true,
    );
    assert.deepEqual((await admin.listTopics()).sort(), ['defaults', 'orders']);
    const meta = await admin.fetchTopicMetadata({ topics: ['orders', 'defaults'] });
    assert.deepEqual(meta.topics.map((t) => [t.name, t.partitions.length]).sort(), [
      ['defaults', 2],
      ['orders', 3],
    ]);
    assert.ok(meta.topics[0]!.partitions.every((p) => p.leader === 1 && p.isr.length === 1));
  });

  it('reports TOPIC_ALREADY_EXISTS, INVALID_REPLICATION_FACTOR and INVALID_TOPIC_EXCEPTION', async () => {
    const errorsOf = async (topics: kafkajs.ITopicConfig[]) => {
      try {
        await admin.createTopics({ topics });
        return [];
      } catch (err) {
        return ((err as { errors?: { type: string }[] }).errors ?? []).map((e) => e.type);
      }
    };
    assert.equal(await admin.createTopics({ topics: [{ topic: 'orders' }] }), false, 'kafkajs hides already-exists');
    assert.deepEqual(await errorsOf([{ topic: 'rf3', replicationFactor: 3 }]), ['INVALID_REPLICATION_FACTOR']);
    assert.deepEqual(await errorsOf([{ topic: 'bad name!' }]), ['INVALID_TOPIC_EXCEPTION']);
    assert.ok(!(await admin.listTopics()).includes('rf3'));
  });

  it('describes and alters topic configs, and describes the broker', async () => {
    const describe = async () => {
      const r = await admin.describeConfigs({
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: 'orders', configNames: ['retention.ms', 'segment.bytes'] },
        ],
        includeSynonyms: false,
      });
      return Object.fromEntries(r.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
    };
    assert.deepEqual(await describe(), { 'retention.ms': '60000', 'segment.bytes': '1073741824' });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'orders',
          configEntries: [{ name: 'segment.bytes', value: '1048576' }],
        },
      ],
    });
    // Legacy AlterConfigs replaces the whole set: retention.ms returns to the default.
    assert.deepEqual(await describe(), { 'retention.ms': '604800000', 'segment.bytes': '1048576' });
    const brokerConfigs = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions'] }],
      includeSynonyms: false,
    });
    assert.equal(brokerConfigs.resources[0]!.configEntries[0]!.configValue, '2');
  });

  it('adds partitions, describes the cluster and deletes topics', async () => {
    await admin.createPartitions({ topicPartitions: [{ topic: 'orders', count: 5 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['orders'] });
    assert.equal(meta.topics[0]!.partitions.length, 5);
    const cluster = await admin.describeCluster();
    assert.equal(cluster.controller, 1);
    assert.deepEqual(
      cluster.brokers.map((b) => [b.nodeId, b.port]),
      [[1, broker.port]],
    );
    await admin.deleteTopics({ topics: ['orders', 'defaults'] });
    assert.deepEqual(await admin.listTopics(), []);
  });

  it('keeps topics, ids and configs across a restart', async () => {
    await admin.createTopics({
      topics: [{ topic: 'durable', numPartitions: 4, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const before = await admin.fetchTopicMetadata({ topics: ['durable'] });
    await admin.disconnect();
    await broker.stop();
    broker = await startBroker({ 'num.partitions': '2' }, broker.dataDir);
    admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const after = await admin.fetchTopicMetadata({ topics: ['durable'] });
    assert.equal(after.topics[0]!.partitions.length, before.topics[0]!.partitions.length);
    const r = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'durable', configNames: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    assert.equal(r.resources[0]!.configEntries[0]!.configValue, 'compact');
  });
});
