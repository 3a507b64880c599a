import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, CommitFailedError } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { groupConsumer, pollAll, pollUntilAssigned, produceNumbers, values } from './group-helpers.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('group offsets and group admin against a Fluxo broker', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;
  const topic = 'orders';

  before(async () => {
    // No 3 s wait for more members before the first rebalance of each group (Kafka's default is for production).
    broker = await BrokerProcess.start(undefined, ['group.initial.rebalance.delay.ms=0']);
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    await produceNumbers(broker.bootstrap, topic, 0, 30, 1);
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('commitSync: a new member of the group resumes right after the commit; committed() reads it back', async () => {
    const first = groupConsumer(broker.bootstrap, 'g-commit', { enableAutoCommit: false, maxPollRecords: 10 });
    first.subscribe([topic]);
    const [got] = await pollAll([first], (g) => g[0]!.length >= 10, 20_000);
    assert.deepEqual(values(got!.slice(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await first.commitSync([{ topic, partition: 0, offset: 7n, metadata: 'note' }]);
    const [committed] = await first.committed([{ topic, partition: 0 }]);
    assert.equal(committed?.offset, 7n);
    assert.equal(committed?.metadata, 'note');
    await first.close(); // no auto-commit: the commit at 7 stays
    const second = groupConsumer(broker.bootstrap, 'g-commit', { enableAutoCommit: false });
    second.subscribe([topic]);
    const [resumed] = await pollAll([second], (g) => g[0]!.length >= 23, 20_000);
    assert.deepEqual(
      values(resumed!),
      Array.from({ length: 23 }, (_, i) => 7 + i),
    );
    await second.close();
  });

  it('auto-commit commits the position on close; the next member starts there', async () => {
    const first = groupConsumer(broker.bootstrap, 'g-auto', { maxPollRecords: 12, autoCommitIntervalMs: 60_000 });
    first.subscribe([topic]);
    const [got] = await pollAll([first], (g) => g[0]!.length > 0, 20_000);
    assert.equal(got!.length, 12);
    await first.close();
    const offsets = await admin.listConsumerGroupOffsets('g-auto');
    assert.deepEqual(
      offsets.map((o) => [o.topic, o.partition, o.offset]),
      [[topic, 0, 12n]],
    );
    const second = groupConsumer(broker.bootstrap, 'g-auto');
    second.subscribe([topic]);
    const [resumed] = await pollAll([second], (g) => g[0]!.length > 0, 20_000);
    assert.equal(resumed![0]!.value, 12);
    await second.close();
  });

  it('a commit from a member that was fenced fails with CommitFailedError', async () => {
    const c = groupConsumer(broker.bootstrap, 'g-fenced', { enableAutoCommit: false, maxPollIntervalMs: 800 });
    c.subscribe([topic]);
    await pollUntilAssigned([c], (s) => s[0] === 1, 20_000);
    await new Promise((r) => setTimeout(r, 1500)); // past max.poll.interval.ms: the member leaves the group
    await assert.rejects(c.commitSync([{ topic, partition: 0, offset: 1n }]), (err: Error) => {
      return err instanceof CommitFailedError || (err as { name: string }).name === 'REBALANCE_IN_PROGRESS';
    });
    await c.close();
  });

  it('a pattern subscription picks up a matching topic created later', async () => {
    await admin.createTopics([{ topic: 'metrics-a', numPartitions: 1 }]);
    const c = groupConsumer(broker.bootstrap, 'g-pattern', { metadataMaxAgeMs: 300 });
    c.subscribe(/^metrics-/);
    await pollUntilAssigned([c], (s) => s[0] === 1, 20_000);
    await admin.createTopics([{ topic: 'metrics-b', numPartitions: 2 }]);
    await pollUntilAssigned([c], (s) => s[0] === 3, 20_000);
    assert.deepEqual(c.subscription(), ['metrics-a', 'metrics-b']);
    await c.close();
  });

  it('admin: list, describe, alter, list offsets, delete offsets, delete groups', async () => {
    const member = groupConsumer(broker.bootstrap, 'g-admin', {
      partitionAssignmentStrategy: ['roundrobin'],
      clientId: 'admin-test',
    });
    member.subscribe([topic]);
    await pollUntilAssigned([member], (s) => s[0] === 1, 20_000);

    const listed = await admin.listGroups();
    assert.ok(listed.some((g) => g.groupId === 'g-admin' && g.protocolType === 'consumer' && g.state === 'Stable'));
    const stable = await admin.listGroups({ states: ['Stable'] });
    assert.ok(stable.every((g) => g.state === 'Stable'));
    assert.ok(stable.some((g) => g.groupId === 'g-admin'));
    assert.ok(!stable.some((g) => g.groupId === 'g-commit'), 'empty groups are filtered out');

    const [described] = await admin.describeGroups(['g-admin']);
    assert.equal(described!.state, 'Stable');
    assert.equal(described!.protocol, 'roundrobin');
    assert.equal(described!.members.length, 1);
    assert.equal(described!.members[0]!.clientId, 'admin-test');
    assert.deepEqual(described!.members[0]!.assignment, [{ topic, partition: 0 }]);
    assert.deepEqual(described!.members[0]!.subscription, [topic]);

    // Offsets of a group with members cannot be altered (Kafka answers UNKNOWN_MEMBER_ID to generation -1).
    const refused = await admin.alterConsumerGroupOffsets('g-admin', [{ topic, partition: 0, offset: 3n }]);
    assert.equal(refused[0]!.error?.name, 'UNKNOWN_MEMBER_ID');
    await member.close();
    assert.deepEqual(await admin.alterConsumerGroupOffsets('g-admin', [{ topic, partition: 0, offset: 3n }]), [
      { topic, partition: 0, error: null },
    ]);
    assert.deepEqual(
      (await admin.listConsumerGroupOffsets('g-admin')).map((o) => o.offset),
      [3n],
    );
    assert.deepEqual(await admin.deleteConsumerGroupOffsets('g-admin', [{ topic, partition: 0 }]), [
      { topic, partition: 0, error: null },
    ]);
    assert.deepEqual(await admin.listConsumerGroupOffsets('g-admin'), []);

    const results = await admin.deleteGroups(['g-admin', 'no-such-group']);
    assert.equal(results[0]!.error, null);
    assert.equal((results[1]!.error as { name?: string } | null)?.name, 'GROUP_ID_NOT_FOUND');
    assert.ok(!(await admin.listGroups()).some((g) => g.groupId === 'g-admin'));
  });
});
