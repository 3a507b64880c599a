// fluxo topics … and fluxo configs … against a real broker, through the built binary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, json, startBroker } from './harness.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ 'num.partitions': '2' });
});
after(() => broker.stop());

interface ConfigsView {
  type: string;
  name: string;
  configs: { name: string; value: string | null; source: number; sourceName: string; isDefault: boolean }[];
}

interface TopicView {
  name: string;
  partitionCount: number;
  replicationFactor: number;
  configs: Record<string, string>;
  partitions: {
    partition: number;
    leader: number;
    replicas: number[];
    isr: number[];
    logStartOffset: number;
    logEndOffset: number;
  }[];
}

/** Topics of the topics test (the configs tests run at the same time on the same broker). */
const OWN = (names: string[]) => names.filter((n) => n === 'orders' || n === 'payments');

describe('fluxo topics and configs', { concurrency: true }, () => {
  it('creates, lists, describes, alters and deletes a topic', async () => {
    const b = broker.flag;
    const created = await fluxo([
      'topics',
      'create',
      'orders',
      '--partitions',
      '3',
      '--replication-factor',
      '1',
      '--config',
      'retention.ms=86400000',
      ...b,
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /created topic "orders"/);

    // Independent commands run at the same time: each is a process that mostly loads code.
    const [again, tolerated, byDefault, produced] = await Promise.all([
      fluxo(['topics', 'create', 'orders', '--partitions', '3', ...b]),
      fluxo(['topics', 'create', '--topic', 'orders', '--if-not-exists', '--json', ...b]),
      fluxo(['topics', 'create', 'payments', '--json', ...b]),
      fluxo(['produce', 'orders', '--partition', '1', ...b], { input: 'a\nb\n' }),
    ]);
    assert.equal(again.code, 1, 'the cluster refuses a second create');
    assert.match(again.stderr, /TOPIC_ALREADY_EXISTS/);
    assert.equal(tolerated.code, 0, tolerated.stderr);
    assert.deepEqual(json(tolerated), { topic: 'orders', created: false });
    assert.deepEqual(json(byDefault), { topic: 'payments', created: true });
    assert.equal(produced.code, 0, produced.stderr);

    const [listed, plain, described, table] = await Promise.all([
      fluxo(['topics', 'list', '--json', ...b]),
      fluxo(['topics', 'list', ...b]),
      fluxo(['topics', 'describe', 'orders', 'payments', '--json', ...b]),
      fluxo(['topics', 'describe', 'orders', ...b]),
    ]);
    assert.deepEqual(OWN(json(listed)), ['orders', 'payments']);
    assert.match(plain.stdout, /^(\S+\n)*orders\npayments\n(\S+\n)*$/, 'one name per line, sorted');
    assert.equal(described.code, 0, described.stderr);
    const [orders, payments] = json<TopicView[]>(described);
    assert.equal(orders!.partitionCount, 3);
    assert.equal(orders!.replicationFactor, 1);
    assert.deepEqual(orders!.configs, { 'retention.ms': '86400000' });
    assert.deepEqual(
      orders!.partitions.map((p) => [p.partition, p.replicas.length, p.isr.length, p.logStartOffset, p.logEndOffset]),
      [
        [0, 1, 1, 0, 0],
        [1, 1, 1, 0, 2],
        [2, 1, 1, 0, 0],
      ],
    );
    assert.ok(orders!.partitions.every((p) => p.leader === p.replicas[0]));
    assert.equal(payments!.partitionCount, 2, "the broker's num.partitions");

    assert.match(
      table.stdout,
      /^TOPIC +PARTITIONS +REPLICATION-FACTOR +TOPIC-ID +CONFIGS\norders +3 +1 +\S+ +retention\.ms=86400000\n/,
    );
    assert.match(table.stdout, /\nTOPIC +PARTITION +LEADER +REPLICAS +ISR +LOG-START-OFFSET +LOG-END-OFFSET\n/);
    assert.match(table.stdout, /\norders +1 +\d+ +\d+ +\d+ +0 +2\n/);

    const altered = await fluxo([
      'topics',
      'alter',
      'orders',
      '--partitions',
      '5',
      '--config',
      'cleanup.policy=compact',
      '--delete-config',
      'retention.ms',
      ...b,
    ]);
    assert.equal(altered.code, 0, altered.stderr);
    const [described2, shrink, nothing] = await Promise.all([
      fluxo(['topics', 'describe', '--topic', 'orders', '--json', ...b]),
      fluxo(['topics', 'alter', 'orders', '--partitions', '2', ...b]),
      fluxo(['topics', 'alter', 'orders', ...b]),
    ]);
    const after = json<TopicView[]>(described2);
    assert.equal(after[0]!.partitionCount, 5);
    assert.deepEqual(after[0]!.configs, { 'cleanup.policy': 'compact' });
    assert.equal(shrink.code, 1, 'Kafka never lowers a partition count');
    assert.match(shrink.stderr, /INVALID_PARTITIONS/);
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /nothing to alter/);

    const deleted = await fluxo(['topics', 'delete', 'orders', 'payments', '--json', ...b]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual(json(deleted), { deleted: ['orders', 'payments'], absent: [], failed: [] });
    const [listedAfter, missing, tolerant, unknown] = await Promise.all([
      fluxo(['topics', 'list', '--json', ...b]),
      fluxo(['topics', 'delete', 'orders', ...b]),
      fluxo(['topics', 'delete', 'orders', '--if-exists', ...b]),
      fluxo(['topics', 'describe', 'nope', ...b]),
    ]);
    assert.deepEqual(OWN(json(listedAfter)), []);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
    assert.equal(tolerant.code, 0, tolerant.stderr);
    assert.match(tolerant.stderr, /topic "orders" does not exist \(--if-exists\)/);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /UNKNOWN_TOPIC_OR_PARTITION: describe topic "nope"/);
  });

  it('alters and describes topic configs, in both Kafka flag forms', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'events', ...b])).code, 0);
    const set = await fluxo([
      'configs',
      'alter',
      '--topic',
      'events',
      '--add-config',
      'retention.ms=3600000,max.message.bytes=2048',
      ...b,
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /altered configs of topic "events"/);

    const [viewRun, table] = await Promise.all([
      fluxo(['configs', 'describe', '--entity-type', 'topics', '--entity-name', 'events', '--json', ...b]),
      fluxo(['configs', 'describe', '--topic', 'events', ...b]),
    ]);
    const view = json<ConfigsView>(viewRun);
    assert.deepEqual(
      view.configs.map((c) => [c.name, c.value, c.sourceName]),
      [
        ['max.message.bytes', '2048', 'DYNAMIC_TOPIC_CONFIG'],
        ['retention.ms', '3600000', 'DYNAMIC_TOPIC_CONFIG'],
      ],
    );
    assert.match(
      table.stdout,
      /^NAME +VALUE +SOURCE +READ-ONLY\nmax\.message\.bytes +2048 +DYNAMIC_TOPIC_CONFIG +false\n/,
    );

    const removed = await fluxo([
      'configs',
      'alter',
      '--topic',
      'events',
      '--delete-config',
      'max.message.bytes',
      ...b,
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    const [allRun, onlyRun, bad, validated] = await Promise.all([
      fluxo(['configs', 'describe', '--topic', 'events', '--all', '--json', ...b]),
      fluxo(['configs', 'describe', '--topic', 'events', '--key', 'retention.ms', '--json', ...b]),
      fluxo(['configs', 'alter', '--topic', 'events', '--add-config', 'no.such.config=1', ...b]),
      fluxo(['configs', 'alter', '--topic', 'events', '--add-config', 'retention.ms=1000', '--validate-only', ...b]),
    ]);
    const all = json<ConfigsView>(allRun);
    const maxBytes = all.configs.find((c) => c.name === 'max.message.bytes');
    assert.ok(maxBytes !== undefined && maxBytes.source !== 1, 'back to the default');
    assert.ok(all.configs.length > 10, 'with --all every config is listed');

    assert.deepEqual(
      json<ConfigsView>(onlyRun).configs.map((c) => c.name),
      ['retention.ms'],
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_CONFIG/);
    assert.equal(validated.code, 0, validated.stderr);
    const still = json<ConfigsView>(
      await fluxo(['configs', 'describe', '--topic', 'events', '--key', 'retention.ms', '--json', ...b]),
    );
    assert.equal(still.configs[0]!.value, '3600000', '--validate-only changed nothing');
  });

  it('describes and alters broker configs', async () => {
    const b = broker.flag;
    const [allRun, altered, refused] = await Promise.all([
      fluxo(['configs', 'describe', '--broker', '1', '--all', '--json', ...b]),
      fluxo(['configs', 'alter', '--broker', '1', '--add-config', 'log.retention.ms=120000', ...b]),
      fluxo(['configs', 'alter', '--broker', '1', '--add-config', 'node.id=7', ...b]),
    ]);
    const all = json<ConfigsView>(allRun);
    assert.equal(all.type, 'broker');
    assert.ok(all.configs.some((c) => c.name === 'num.partitions' && c.value === '2'));
    assert.equal(altered.code, 0, altered.stderr);
    const view = json<ConfigsView>(await fluxo(['configs', 'describe', '--broker', '1', '--json', ...b]));
    const retention = view.configs.find((c) => c.name === 'log.retention.ms');
    assert.deepEqual([retention?.value, retention?.sourceName], ['120000', 'DYNAMIC_BROKER_CONFIG']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /fluxo: INVALID_REQUEST: .*node\.id/);
  });
  it('deletes every topic it can and reports each, exit 1 when one failed', async () => {
    const b = broker.flag;
    for (const t of ['del-a', 'del-b', 'del-c', 'del-d'])
      assert.equal((await fluxo(['topics', 'create', t, ...b])).code, 0);
    const human = await fluxo(['topics', 'delete', 'del-a', 'del-missing', 'del-b', ...b]);
    assert.equal(human.code, 1);
    assert.equal(human.stdout, 'deleted topic "del-a"\ndeleted topic "del-b"\n');
    assert.match(human.stderr, /^fluxo: UNKNOWN_TOPIC_OR_PARTITION: delete topic "del-missing"/);
    const machine = await fluxo(['topics', 'delete', 'del-c', 'del-missing', 'del-d', '--json', ...b]);
    assert.equal(machine.code, 1);
    const result = json<{ deleted: string[]; absent: string[]; failed: { topic: string; error: { name: string } }[] }>(
      machine,
    );
    assert.deepEqual(result.deleted, ['del-c', 'del-d']);
    assert.deepEqual(
      result.failed.map((f) => [f.topic, f.error.name]),
      [['del-missing', 'UNKNOWN_TOPIC_OR_PARTITION']],
    );
    assert.equal(JSON.parse(machine.stderr).error, 'UNKNOWN_TOPIC_OR_PARTITION');
    const left = json<string[]>(await fluxo(['topics', 'list', '--json', ...b]));
    assert.deepEqual(
      left.filter((t) => t.startsWith('del-')),
      [],
    );
  });

  it('alter validates configs before raising partitions, and reports each step', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'grown', '--partitions', '2', ...b])).code, 0);
    const partitionsOf = async () =>
      json<TopicView[]>(await fluxo(['topics', 'describe', 'grown', '--json', ...b]))[0]!;

    const badConfig = await fluxo(['topics', 'alter', 'grown', '--partitions', '4', '--config', 'no.such=1', ...b]);
    assert.equal(badConfig.code, 1);
    assert.equal(badConfig.stdout, '');
    assert.match(badConfig.stderr, /nothing was changed in "grown"\nfluxo: INVALID_CONFIG: .*no\.such/);
    assert.equal((await partitionsOf()).partitionCount, 2, 'the partitions were not raised');

    const badPartitions = await fluxo([
      'topics',
      'alter',
      'grown',
      '--partitions',
      '1',
      '--config',
      'retention.ms=1000',
      '--json',
      ...b,
    ]);
    assert.equal(badPartitions.code, 1);
    const refused = json<Record<string, { applied: boolean; error: { name: string } | null }>>(badPartitions);
    assert.deepEqual(
      [refused.partitions!.applied, refused.partitions!.error?.name, refused.configs!.applied, refused.configs!.error],
      [false, 'INVALID_PARTITIONS', false, null],
    );
    assert.equal(JSON.parse(badPartitions.stderr).error, 'INVALID_PARTITIONS');
    assert.deepEqual((await partitionsOf()).configs, {}, 'the configs were not applied either');

    const good = await fluxo([
      'topics',
      'alter',
      'grown',
      '--partitions',
      '3',
      '--config',
      'retention.ms=5000',
      '--json',
      ...b,
    ]);
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(json(good), {
      topic: 'grown',
      partitions: { count: 3, applied: true, error: null },
      configs: { set: { 'retention.ms': '5000' }, deleted: [], applied: true, error: null },
    });
    const human = await fluxo([
      'topics',
      'alter',
      'grown',
      '--partitions',
      '4',
      '--delete-config',
      'retention.ms',
      ...b,
    ]);
    assert.equal(human.code, 0, human.stderr);
    assert.equal(human.stdout, 'raised partitions of "grown" to 4\naltered configs of "grown": deleted retention.ms\n');
    const after = await partitionsOf();
    assert.deepEqual([after.partitionCount, after.configs], [4, {}]);
  });

  it('configs alter: --json, and list values in brackets', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'listed', ...b])).code, 0);
    const r = await fluxo([
      'configs',
      'alter',
      '--topic',
      'listed',
      '--add-config',
      'cleanup.policy=[compact,delete],retention.ms=60000',
      '--json',
      ...b,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(r), {
      type: 'topic',
      name: 'listed',
      set: { 'cleanup.policy': 'compact,delete', 'retention.ms': '60000' },
      deleted: [],
      validateOnly: false,
    });
    const view = json<ConfigsView>(await fluxo(['configs', 'describe', '--topic', 'listed', '--json', ...b]));
    assert.deepEqual(
      view.configs.map((c) => [c.name, c.value]),
      [
        ['cleanup.policy', 'compact,delete'],
        ['retention.ms', '60000'],
      ],
    );
  });
});
