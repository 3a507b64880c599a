import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('admin against a Fluxo broker', { skip }, () => {
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

  it('creates, lists, describes, grows and deletes topics', async () => {
    await admin.createTopics([
      { topic: 'a', numPartitions: 2, configs: { 'retention.ms': '3600000' } },
      { topic: 'b', numPartitions: 1 },
    ]);
    assert.deepEqual(
      (await admin.listTopics()).filter((t) => t === 'a' || t === 'b'),
      ['a', 'b'],
    );
    const [a] = await admin.describeTopics(['a']);
    assert.equal(a!.partitions.length, 2);
    assert.ok(a!.partitions.every((p) => p.leader >= 0 && p.replicas.length === 1));
    await admin.createPartitions([{ topic: 'a', count: 4 }]);
    assert.equal((await admin.describeTopics(['a']))[0]!.partitions.length, 4);
    await assert.rejects(admin.createTopics([{ topic: 'a', numPartitions: 1 }]), {
      name: 'TOPIC_ALREADY_EXISTS',
      code: 36,
      retriable: false,
    });
    await admin.deleteTopics(['b']);
    assert.ok(!(await admin.listTopics()).includes('b'));
    await assert.rejects(admin.describeTopics(['b']), { name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
  });

  it('describes and incrementally alters topic configs', async () => {
    await admin.createTopics([{ topic: 'cfg', numPartitions: 1 }]);
    await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'cfg' }, ops: [{ name: 'retention.ms', op: 'set', value: '12345' }] },
    ]);
    const configs = await admin.describeConfigs([{ type: 'topic', name: 'cfg', keys: ['retention.ms'] }]);
    const entry = configs.get('cfg')!.find((c) => c.name === 'retention.ms')!;
    assert.equal(entry.value, '12345');
    assert.equal(entry.isDefault, false);
    await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'cfg' }, ops: [{ name: 'retention.ms', op: 'delete' }] },
    ]);
    const after = await admin.describeConfigs([{ type: 'topic', name: 'cfg', keys: ['retention.ms'] }]);
    assert.notEqual(after.get('cfg')!.find((c) => c.name === 'retention.ms')!.value, '12345');
  });

  it('lists offsets and deletes records', async () => {
    await admin.createTopics([{ topic: 'offs', numPartitions: 1 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    for (let i = 0; i < 10; i++)
      await producer.send({ topic: 'offs', value: Buffer.from([i]), timestamp: 1000 * (i + 1) });
    await producer.close();
    const query = (spec: 'earliest' | 'latest' | bigint) => admin.listOffsets([{ topic: 'offs', partition: 0, spec }]);
    assert.equal((await query('earliest'))[0]!.offset, 0n);
    assert.equal((await query('latest'))[0]!.offset, 10n);
    assert.equal((await query(4500n))[0]!.offset, 4n, 'first offset with timestamp >= 4500');
    const [deleted] = await admin.deleteRecords([{ topic: 'offs', partition: 0, beforeOffset: 6n }]);
    assert.equal(deleted!.lowWatermark, 6n);
    assert.equal((await query('earliest'))[0]!.offset, 6n);
  });

  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0]!.port, broker.port);
    assert.ok(cluster.clusterId.length > 0);
    assert.equal(cluster.controllerId, cluster.brokers[0]!.nodeId);
  });

  it('lists no groups on a fresh broker and rejects describing an unknown one', async () => {
    assert.deepEqual(await admin.listGroups(), []);
    const [dead] = await admin.describeGroups(['no-such-group']);
    assert.equal(dead!.state, 'Dead');
    assert.deepEqual(dead!.members, []);
  });
});
