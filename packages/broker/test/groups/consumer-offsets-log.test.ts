import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupState } from '@fluxo/coordinator';
import { GroupService } from '../../src/groups/group-service.js';
import { OFFSETS_TOPIC } from '../../src/groups/offsets-topic.js';
import { createLogger } from '../../src/log/logger.js';
import type { BrokerServices } from '../../src/services.js';
import { LogManager } from '@fluxo/storage';
import { commit, groupBroker, join, joinNew, sync } from './group-client.js';

/** A second GroupService replaying the same `__consumer_offsets` logs, as a restarted broker would. */
function reload(broker: BrokerServices): GroupService {
  return GroupService.open({
    ...broker,
    settings: broker.config.groupCoordinator,
    logger: createLogger({ level: 'error' }),
  });
}

/** Every loaded group as plain data: state, generation, protocol, members, and its offsets. */
function loadedState(service: GroupService) {
  return service.coordinator
    .allGroups()
    .map((g) => ({
      groupId: g.groupId,
      state: g.state,
      generationId: g.generationId,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leaderId: g.leaderId,
      members: [...g.members.values()].map((m) => [m.memberId, m.assignment.toString()]),
      offsets: service.offsets.all(g.groupId).map((o) => [o.topic, o.partition, o.offset, o.metadata]),
    }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}

/** What a GroupService replaying the logs as they are now loads. */
function stateAfterReload(broker: BrokerServices) {
  const reloaded = reload(broker);
  try {
    return loadedState(reloaded);
  } finally {
    reloaded.close();
  }
}

/** Closes the broker's logs and opens them again from disk with a new GroupService, as a restart does. */
async function restart(broker: BrokerServices) {
  await broker.logs.close();
  const logs = await LogManager.open({
    logDirs: broker.config.logDirs,
    clock: broker.clock,
    defaults: broker.config.logDefaults,
    configFor: (name) => (name === OFFSETS_TOPIC ? broker.logs.get(OFFSETS_TOPIC, 0)?.config : undefined),
  });
  const groups = GroupService.open({
    ...broker,
    logs,
    settings: broker.config.groupCoordinator,
    logger: createLogger({ level: 'error' }),
  });
  return {
    groups,
    close: async () => {
      groups.close();
      await logs.close();
    },
  };
}

test('replaying __consumer_offsets restores offsets, deletions and group metadata', async () => {
  const setup = await groupBroker();
  try {
    const { broker } = setup;
    const member = await joinNew(broker, { groupId: 'shop', groupInstanceId: 'shop-1' });
    await sync(broker, 'shop', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('orders 0-3') },
    ]);
    for (let i = 1n; i <= 5n; i++) {
      await commit(broker, {
        groupId: 'shop',
        memberId: member.memberId,
        generationId: member.generationId,
        partitions: [{ topic: 'orders', partition: Number(i % 2n), offset: i * 10n, metadata: `m${i}` }],
      });
    }
    await commit(broker, { groupId: 'gone', partitions: [{ topic: 'orders', partition: 0, offset: 1n }] });
    assert.equal(broker.groups.deleteGroup('gone'), 0);

    const reloaded = reload(broker);
    try {
      assert.deepEqual(
        reloaded.offsets.all('shop').map((o) => [o.topic, o.partition, o.offset, o.metadata]),
        [
          ['orders', 0, 40n, 'm4'],
          ['orders', 1, 50n, 'm5'],
        ],
      );
      assert.equal(reloaded.coordinator.group('gone'), undefined, 'a deleted group stays deleted');
      const shop = reloaded.coordinator.group('shop')!;
      assert.equal(shop.state, GroupState.Stable);
      assert.equal(shop.generationId, member.generationId);
      assert.equal(shop.members.get(member.memberId)?.assignment.toString(), 'orders 0-3');
      assert.equal(shop.staticMembers.get('shop-1'), member.memberId);
    } finally {
      reloaded.close();
    }
  } finally {
    await setup.close();
  }
});

test('the log cleaner compacts __consumer_offsets: small after many commits, every group and offset back after a restart, deletions stay', async () => {
  const setup = await groupBroker({ 'offsets.topic.num.partitions': '1' });
  try {
    const { broker, clock } = setup;
    // A group without members (Empty, generation 0), committing a lot.
    for (let i = 0; i < 400; i++)
      await commit(broker, {
        groupId: 'chatty',
        partitions: [
          { topic: 'orders', partition: 0, offset: BigInt(i) },
          { topic: 'orders', partition: 1, offset: BigInt(2 * i) },
        ],
      });
    // A Stable group with a member and an assignment.
    const stable = await joinNew(broker, { groupId: 'stable' });
    await sync(broker, 'stable', stable.memberId, stable.generationId, [
      { memberId: stable.memberId, assignment: Buffer.from('orders 0-1') },
    ]);
    for (let i = 0; i < 50; i++)
      await commit(broker, {
        groupId: 'stable',
        memberId: stable.memberId,
        generationId: stable.generationId,
        partitions: [{ topic: 'orders', partition: 2, offset: BigInt(i), metadata: `m${i}` }],
      });
    // A group caught mid-rebalance: Stable at generation 1, then a second member starts a rebalance.
    const first = await joinNew(broker, { groupId: 'rebalancing' });
    await sync(broker, 'rebalancing', first.memberId, first.generationId, [
      { memberId: first.memberId, assignment: Buffer.from('orders 3') },
    ]);
    await commit(broker, {
      groupId: 'rebalancing',
      memberId: first.memberId,
      generationId: first.generationId,
      partitions: [{ topic: 'orders', partition: 3, offset: 33n }],
    });
    const second = await join(broker, { groupId: 'rebalancing' }); // MEMBER_ID_REQUIRED with an id (KIP-394)
    void join(broker, { groupId: 'rebalancing', memberId: second.memberId }).catch(() => {}); // pending: a rebalance
    await new Promise((r) => setImmediate(r));
    assert.equal(broker.groups.coordinator.group('rebalancing')!.state, GroupState.PreparingRebalance);
    // Deletions: a whole group, and one partition's offset of another.
    await commit(broker, { groupId: 'deleted', partitions: [{ topic: 'orders', partition: 0, offset: 7n }] });
    assert.equal(broker.groups.deleteGroup('deleted'), 0);
    await commit(broker, {
      groupId: 'pruned',
      partitions: [
        { topic: 'orders', partition: 0, offset: 1n },
        { topic: 'orders', partition: 1, offset: 2n },
      ],
    });
    assert.equal(broker.groups.deleteOffsets('pruned', [{ topic: 'orders', partition: 1 }]), 0);

    const expected = stateAfterReload(broker);
    assert.deepEqual(
      expected.map((g) => [g.groupId, g.state, g.generationId]),
      [
        ['chatty', 'Empty', 0],
        ['pruned', 'Empty', 0],
        ['rebalancing', 'Stable', 1],
        ['stable', 'Stable', 1],
      ],
      'what the uncompacted log loads: the last record per group (a mid-rebalance group as last written)',
    );

    const log = broker.logs.get(OFFSETS_TOPIC, 0)!;
    const before = log.sizeBytes;
    log.roll(); // the cleaner never touches the active segment
    assert.equal(broker.logs.cleaner.cleanNow(log).length, 1);
    assert.ok(log.sizeBytes < before / 20, `${log.sizeBytes} bytes left of ${before}`);
    assert.deepEqual(stateAfterReload(broker), expected, 'the cleaned log loads the same');

    // Past delete.retention.ms the tombstones themselves go; the deletions stay.
    clock.advance(log.config.deleteRetentionMs + 1);
    assert.equal(broker.logs.cleaner.cleanNow(log).length, 1);
    const restarted = await restart(broker);
    try {
      assert.deepEqual(loadedState(restarted.groups), expected, 'a restarted broker loads the same');
      assert.equal(restarted.groups.coordinator.group('deleted'), undefined);
      assert.deepEqual(
        restarted.groups.offsets.all('pruned').map((o) => o.partition),
        [0],
      );
    } finally {
      await restarted.close();
    }
  } finally {
    await setup.close();
  }
});
