import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, type ConfigResourceResult, KafkaClientError, Producer, throwIfAnyFailed } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

/** Admin calls given this long must still fail fast: the bound below is far under it. */
const LONG_TIMEOUT_MS = 60_000;
/** Generous on a loaded 2-core machine, yet far below LONG_TIMEOUT_MS: a retry-until-timeout would exceed it. */
const FAIL_FAST_MS = 15_000;

function entry(results: ConfigResourceResult[], name: string, key: string) {
  const r = results.find((x) => x.name === name);
  assert.ok(r !== undefined, `a result for "${name}"`);
  assert.equal(r.error, null, `no error for "${name}"`);
  return r.configs.find((c) => c.name === key);
}

/** The error an admin call rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<KafkaClientError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof KafkaClientError, `a KafkaClientError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to reject');
}

describe('admin against a Fluxo broker', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;
  let nodeId: string;

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    nodeId = String((await admin.describeCluster()).brokers[0]!.nodeId);
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
    assert.deepEqual(await admin.createPartitions([{ topic: 'a', count: 4 }]), [{ topic: 'a', error: null }]);
    assert.equal((await admin.describeTopics(['a']))[0]!.partitions.length, 4);
    await assert.rejects(admin.createTopics([{ topic: 'a', numPartitions: 1 }]), {
      name: 'TOPIC_ALREADY_EXISTS',
      code: 36,
      retriable: false,
    });
    assert.deepEqual(await admin.deleteTopics(['b']), [{ topic: 'b', error: null }]);
    assert.ok(!(await admin.listTopics()).includes('b'));
    await assert.rejects(admin.describeTopics(['b']), { name: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
  });

  it('deleteTopics answers per topic: an unknown one does not hide the others being deleted', async () => {
    await admin.createTopics([
      { topic: 'del-1', numPartitions: 1 },
      { topic: 'del-2', numPartitions: 1 },
    ]);
    const results = await admin.deleteTopics(['del-1', 'no-such-topic', 'del-2']);
    assert.deepEqual(
      results.map((r) => [r.topic, r.error?.name ?? null]),
      [
        ['del-1', null],
        ['no-such-topic', 'UNKNOWN_TOPIC_OR_PARTITION'],
        ['del-2', null],
      ],
    );
    assert.ok(results[1]!.error instanceof KafkaClientError);
    const left = await admin.listTopics();
    assert.ok(!left.includes('del-1') && !left.includes('del-2'), `both deleted, left: ${left}`);
    assert.throws(() => throwIfAnyFailed(results), { name: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('createPartitions: validateOnly changes nothing, a count that does not grow is INVALID_PARTITIONS', async () => {
    await admin.createTopics([{ topic: 'grow', numPartitions: 2 }]);
    assert.deepEqual(await admin.createPartitions([{ topic: 'grow', count: 5 }], { validateOnly: true }), [
      { topic: 'grow', error: null },
    ]);
    assert.equal((await admin.describeTopics(['grow']))[0]!.partitions.length, 2, 'validateOnly created nothing');
    const results = await admin.createPartitions([
      { topic: 'grow', count: 2 },
      { topic: 'no-such-topic', count: 3 },
    ]);
    assert.equal(results[0]!.error?.name, 'INVALID_PARTITIONS');
    assert.equal(results[0]!.error?.retriable, false);
    assert.equal(results[1]!.error?.name, 'UNKNOWN_TOPIC_OR_PARTITION');
    const invalid = await admin.createPartitions([{ topic: 'grow', count: 1 }], { validateOnly: true });
    assert.equal(invalid[0]!.error?.name, 'INVALID_PARTITIONS');
    assert.deepEqual(await admin.createPartitions([{ topic: 'grow', count: 3 }]), [{ topic: 'grow', error: null }]);
    assert.equal((await admin.describeTopics(['grow']))[0]!.partitions.length, 3);
  });

  it('alters topic configs with SET, DELETE, APPEND, SUBTRACT and validateOnly', async () => {
    await admin.createTopics([{ topic: 'cfg', numPartitions: 1 }]);
    const topic = { type: 'topic' as const, name: 'cfg' };
    const describeCfg = async () => admin.describeConfigs([{ ...topic, keys: ['retention.ms', 'cleanup.policy'] }]);

    assert.deepEqual(
      await admin.incrementalAlterConfigs([
        { resource: topic, ops: [{ name: 'retention.ms', op: 'set', value: '12345' }] },
      ]),
      [{ type: 'topic', name: 'cfg', error: null }],
    );
    const set = entry(await describeCfg(), 'cfg', 'retention.ms')!;
    assert.equal(set.value, '12345');
    assert.equal(set.isDefault, false);
    assert.equal(set.source, 1, 'DYNAMIC_TOPIC_CONFIG');

    await admin.incrementalAlterConfigs([
      { resource: topic, ops: [{ name: 'cleanup.policy', op: 'append', value: 'compact' }] },
    ]);
    assert.equal(entry(await describeCfg(), 'cfg', 'cleanup.policy')!.value, 'delete,compact');
    await admin.incrementalAlterConfigs([
      { resource: topic, ops: [{ name: 'cleanup.policy', op: 'subtract', value: 'delete' }] },
    ]);
    assert.equal(entry(await describeCfg(), 'cfg', 'cleanup.policy')!.value, 'compact');

    const validated = await admin.incrementalAlterConfigs(
      [{ resource: topic, ops: [{ name: 'retention.ms', op: 'set', value: '999' }] }],
      { validateOnly: true },
    );
    assert.equal(validated[0]!.error, null);
    assert.equal(entry(await describeCfg(), 'cfg', 'retention.ms')!.value, '12345', 'validateOnly applied nothing');
    const badValue = await admin.incrementalAlterConfigs(
      [{ resource: topic, ops: [{ name: 'retention.ms', op: 'set', value: 'soon' }] }],
      { validateOnly: true },
    );
    assert.equal(badValue[0]!.error?.name, 'INVALID_CONFIG');
    const notAList = await admin.incrementalAlterConfigs([
      { resource: topic, ops: [{ name: 'retention.ms', op: 'append', value: '1' }] },
    ]);
    assert.equal(notAList[0]!.error?.name, 'INVALID_CONFIG');

    await admin.incrementalAlterConfigs([
      {
        resource: topic,
        ops: [
          { name: 'retention.ms', op: 'delete' },
          { name: 'cleanup.policy', op: 'delete' },
        ],
      },
    ]);
    const deleted = await describeCfg();
    assert.equal(entry(deleted, 'cfg', 'retention.ms')!.source, 5, 'back to DEFAULT_CONFIG');
    assert.equal(entry(deleted, 'cfg', 'cleanup.policy')!.value, 'delete');
  });

  it('reports config errors per resource: an unknown topic fails only its own entry', async () => {
    await admin.createTopics([{ topic: 'cfg-ok', numPartitions: 1 }]);
    const described = await admin.describeConfigs([
      { type: 'topic', name: 'no-such-topic' },
      { type: 'topic', name: 'cfg-ok', keys: ['retention.ms'] },
      { type: 'broker', name: '987' },
      { type: 'broker', name: 'not-an-id' },
    ]);
    assert.deepEqual(
      described.map((r) => [r.type, r.name, r.error?.name ?? null]),
      [
        ['topic', 'no-such-topic', 'UNKNOWN_TOPIC_OR_PARTITION'],
        ['topic', 'cfg-ok', null],
        ['broker', '987', 'BROKER_NOT_AVAILABLE'],
        ['broker', 'not-an-id', 'INVALID_REQUEST'],
      ],
    );
    assert.equal(described[1]!.configs.length, 1);
    assert.deepEqual(described[0]!.configs, []);

    const altered = await admin.incrementalAlterConfigs([
      { resource: { type: 'topic', name: 'no-such-topic' }, ops: [{ name: 'retention.ms', op: 'set', value: '1000' }] },
      { resource: { type: 'topic', name: 'cfg-ok' }, ops: [{ name: 'retention.ms', op: 'set', value: '7000' }] },
      { resource: { type: 'broker', name: nodeId }, ops: [{ name: 'broker.id', op: 'set', value: '5' }] },
    ]);
    assert.deepEqual(
      altered.map((r) => r.error?.name ?? null),
      ['UNKNOWN_TOPIC_OR_PARTITION', null, 'INVALID_REQUEST'],
    );
    assert.equal(
      entry(await admin.describeConfigs([{ type: 'topic', name: 'cfg-ok' }]), 'cfg-ok', 'retention.ms')!.value,
      '7000',
    );
  });

  it('describes and alters BROKER configs: this broker and the cluster-wide default', async () => {
    const brokerRes = { type: 'broker' as const, name: nodeId };
    const clusterRes = { type: 'broker' as const, name: '' };
    const before = entry(
      await admin.describeConfigs([{ ...brokerRes, keys: ['log.retention.ms'] }]),
      nodeId,
      'log.retention.ms',
    );
    assert.ok(before !== undefined, 'the broker shows log.retention.ms');

    const set = await admin.incrementalAlterConfigs([
      { resource: clusterRes, ops: [{ name: 'log.retention.ms', op: 'set', value: '7200000' }] },
      { resource: brokerRes, ops: [{ name: 'log.cleanup.policy', op: 'append', value: 'compact' }] },
    ]);
    assert.deepEqual(
      set.map((r) => r.error),
      [null, null],
    );
    const described = await admin.describeConfigs(
      [
        { ...brokerRes, keys: ['log.retention.ms', 'log.cleanup.policy'] },
        { ...clusterRes, keys: ['log.retention.ms'] },
      ],
      { includeSynonyms: true },
    );
    const retention = entry(described, nodeId, 'log.retention.ms')!;
    assert.equal(retention.value, '7200000');
    assert.equal(retention.source, 3, 'DYNAMIC_DEFAULT_BROKER_CONFIG');
    assert.ok(
      retention.synonyms.some((s) => s.source === 3 && s.value === '7200000'),
      'synonyms listed',
    );
    const policy = entry(described, nodeId, 'log.cleanup.policy')!;
    assert.equal(policy.value, 'delete,compact');
    assert.equal(policy.source, 2, 'DYNAMIC_BROKER_CONFIG');
    assert.equal(entry(described, '', 'log.retention.ms')!.value, '7200000');

    // A topic without its own override takes the new default.
    await admin.createTopics([{ topic: 'inherits', numPartitions: 1 }]);
    assert.equal(
      entry(await admin.describeConfigs([{ type: 'topic', name: 'inherits' }]), 'inherits', 'retention.ms')!.value,
      '7200000',
    );

    const validated = await admin.incrementalAlterConfigs(
      [{ resource: brokerRes, ops: [{ name: 'log.retention.ms', op: 'set', value: '1000' }] }],
      { validateOnly: true },
    );
    assert.equal(validated[0]!.error, null);
    assert.equal(entry(await admin.describeConfigs([brokerRes]), nodeId, 'log.retention.ms')!.value, '7200000');

    throwIfAnyFailed(
      await admin.incrementalAlterConfigs([
        { resource: clusterRes, ops: [{ name: 'log.retention.ms', op: 'delete' }] },
        { resource: brokerRes, ops: [{ name: 'log.cleanup.policy', op: 'subtract', value: 'compact' }] },
      ]),
    );
    const after = await admin.describeConfigs([{ ...brokerRes, keys: ['log.retention.ms', 'log.cleanup.policy'] }]);
    assert.equal(entry(after, nodeId, 'log.retention.ms')!.value, before.value);
    assert.equal(entry(after, nodeId, 'log.cleanup.policy')!.value, 'delete');
  });

  it('lists offsets (earliest, latest, by timestamp, max-timestamp) and deletes records', async () => {
    await admin.createTopics([{ topic: 'offs', numPartitions: 1 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    for (let i = 0; i < 10; i++) {
      await producer.send({ topic: 'offs', value: Buffer.from([i]), timestamp: 1000 * (i + 1) });
    }
    await producer.close();
    const query = (spec: 'earliest' | 'latest' | 'max-timestamp' | bigint) =>
      admin.listOffsets([{ topic: 'offs', partition: 0, spec }]);
    assert.equal((await query('earliest'))[0]!.offset, 0n);
    assert.equal((await query('latest'))[0]!.offset, 10n);
    assert.equal((await query(4500n))[0]!.offset, 4n, 'first offset with timestamp >= 4500');
    const max = (await query('max-timestamp'))[0]!;
    assert.deepEqual([max.offset, max.timestamp], [9n, 10_000n]);
    const [deleted] = await admin.deleteRecords([{ topic: 'offs', partition: 0, beforeOffset: 6n }]);
    assert.deepEqual(deleted, { topic: 'offs', partition: 0, lowWatermark: 6n, error: null });
    assert.equal((await query('earliest'))[0]!.offset, 6n);
  });

  it('listOffsets and deleteRecords of an unknown topic or partition fail fast with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    await admin.createTopics([{ topic: 'known', numPartitions: 1 }]);
    for (const spec of ['earliest', 'latest', 'max-timestamp', 1000n] as const) {
      const started = performance.now();
      const err = await rejection(
        admin.listOffsets([{ topic: 'no-such-topic', partition: 0, spec }], { timeoutMs: LONG_TIMEOUT_MS }),
      );
      assert.equal(err.name, 'UNKNOWN_TOPIC_OR_PARTITION', `spec ${spec}`);
      assert.ok(performance.now() - started < FAIL_FAST_MS, `spec ${spec} failed fast`);
    }
    const started = performance.now();
    const beyond = await rejection(
      admin.listOffsets([{ topic: 'known', partition: 7, spec: 'latest' }], { timeoutMs: LONG_TIMEOUT_MS }),
    );
    assert.equal(beyond.name, 'UNKNOWN_TOPIC_OR_PARTITION');

    const results = await admin.deleteRecords(
      [
        { topic: 'no-such-topic', partition: 0, beforeOffset: 0n },
        { topic: 'known', partition: 0, beforeOffset: 0n },
        { topic: 'known', partition: 3, beforeOffset: 0n },
      ],
      { timeoutMs: LONG_TIMEOUT_MS },
    );
    assert.ok(performance.now() - started < FAIL_FAST_MS, 'deleteRecords failed fast');
    assert.deepEqual(
      results.map((r) => [r.topic, r.partition, r.lowWatermark, r.error?.name ?? null]),
      [
        ['no-such-topic', 0, -1n, 'UNKNOWN_TOPIC_OR_PARTITION'],
        ['known', 0, 0n, null],
        ['known', 3, -1n, 'UNKNOWN_TOPIC_OR_PARTITION'],
      ],
    );
  });

  it('alters, lists and deletes group offsets with per-partition errors', async () => {
    await admin.createTopics([{ topic: 'grp', numPartitions: 2 }]);
    const altered = await admin.alterConsumerGroupOffsets('g-offsets', [
      { topic: 'grp', partition: 0, offset: 5n, metadata: 'five' },
      { topic: 'grp', partition: 1, offset: 7n },
      { topic: 'no-such-topic', partition: 0, offset: 1n },
    ]);
    const byPartition = (rs: { topic: string; partition: number; error: KafkaClientError | null }[]) =>
      rs.map((r) => [r.topic, r.partition, r.error?.name ?? null]).sort();
    assert.deepEqual(byPartition(altered), [
      ['grp', 0, null],
      ['grp', 1, null],
      ['no-such-topic', 0, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    const listed = await admin.listConsumerGroupOffsets('g-offsets');
    assert.deepEqual(
      listed.map((o) => [o.topic, o.partition, o.offset, o.metadata, o.error]),
      [
        ['grp', 0, 5n, 'five', null],
        ['grp', 1, 7n, '', null],
      ],
    );
    const one = await admin.listConsumerGroupOffsets('g-offsets', { partitions: [{ topic: 'grp', partition: 1 }] });
    assert.deepEqual(
      one.map((o) => [o.partition, o.offset]),
      [[1, 7n]],
    );

    const deleted = await admin.deleteConsumerGroupOffsets('g-offsets', [
      { topic: 'grp', partition: 0 },
      { topic: 'no-such-topic', partition: 0 },
    ]);
    assert.deepEqual(byPartition(deleted), [
      ['grp', 0, null],
      ['no-such-topic', 0, 'UNKNOWN_TOPIC_OR_PARTITION'],
    ]);
    assert.deepEqual(
      (await admin.listConsumerGroupOffsets('g-offsets')).map((o) => o.partition),
      [1],
    );
    const err = await rejection(admin.deleteConsumerGroupOffsets('no-such-group', [{ topic: 'grp', partition: 0 }]));
    assert.equal(err.name, 'GROUP_ID_NOT_FOUND');
  });

  it('describes the cluster', async () => {
    const cluster = await admin.describeCluster();
    assert.equal(cluster.brokers.length, 1);
    assert.equal(cluster.brokers[0]!.port, broker.port);
    assert.ok(cluster.clusterId.length > 0);
    assert.equal(cluster.controllerId, cluster.brokers[0]!.nodeId);
  });

  it('lists no groups before any exist and describes an unknown one as Dead', async () => {
    assert.ok(!(await admin.listGroups()).some((g) => g.groupId === 'no-such-group'));
    const [dead] = await admin.describeGroups(['no-such-group']);
    assert.equal(dead!.state, 'Dead');
    assert.deepEqual(dead!.members, []);
  });

  it('refuses arguments the wire cannot carry with INVALID_REQUEST, before sending anything', async () => {
    const bad: [string, () => Promise<unknown>][] = [
      ['NaN partition', () => admin.listOffsets([{ topic: 'offs', partition: Number.NaN, spec: 'latest' }])],
      [
        'number offset',
        () => admin.deleteRecords([{ topic: 'offs', partition: 0, beforeOffset: 5 as unknown as bigint }]),
      ],
      ['fractional count', () => admin.createPartitions([{ topic: 'offs', count: 2.5 }])],
      ['resource type', () => admin.describeConfigs([{ type: 'group' as 'topic', name: 'x' }])],
      ['inherited key as type', () => admin.describeConfigs([{ type: 'toString' as 'topic', name: 'x' }])],
      [
        'operation',
        () =>
          admin.incrementalAlterConfigs([
            { resource: { type: 'topic', name: 'offs' }, ops: [{ name: 'x', op: 'add' as 'set' }] },
          ]),
      ],
      ['topic not a string', () => admin.deleteTopics([42 as unknown as string])],
      ['not an array', () => admin.describeTopics('offs' as unknown as string[])],
      ['group offset', () => admin.alterConsumerGroupOffsets('g', [{ topic: 'offs', partition: -1, offset: 0n }])],
    ];
    for (const [what, call] of bad) {
      const err = await rejection(call());
      assert.equal(err.name, 'INVALID_REQUEST', what);
      assert.equal(err.retriable, false, what);
    }
    assert.deepEqual(
      (await admin.listOffsets([{ topic: 'offs', partition: 0, spec: 'latest' }])).map((a) => a.offset),
      [10n],
      'the admin still works',
    );
  });

  it('raises broker and connection failures as KafkaClientError with name and retriable', async () => {
    const err = await rejection(admin.createTopics([{ topic: 'a', numPartitions: 1 }]));
    assert.deepEqual([err.name, err.code, err.retriable], ['TOPIC_ALREADY_EXISTS', 36, false]);
    const closed = new Admin({ bootstrapServers: '127.0.0.1:1', requestTimeoutMs: 2000 });
    try {
      const down = await rejection(closed.listTopics());
      assert.equal(down.name, 'NETWORK_EXCEPTION');
      assert.equal(down.retriable, true);
    } finally {
      await closed.close();
    }
  });
});
