import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupState } from '@fluxo/coordinator';
import { GroupService } from '../../src/groups/group-service.js';
import { OFFSETS_TOPIC } from '../../src/groups/offsets-topic.js';
import { createLogger } from '../../src/log/logger.js';
import type { BrokerServices } from '../../src/services.js';
import { commit, groupBroker, joinNew, sync } from './group-client.js';

/** A second GroupService replaying the same `__consumer_offsets` logs, as a restarted broker would. */
function reload(broker: BrokerServices): GroupService {
  return GroupService.open({
    ...broker,
    settings: broker.config.groupCoordinator,
    logger: createLogger({ level: 'error' }),
  });
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

test('a partition grown by many commits is rewritten to its live records, and replays the same', async () => {
  const setup = await groupBroker();
  try {
    const { broker } = setup;
    for (let i = 0; i < 500; i++) {
      await commit(broker, {
        groupId: 'chatty',
        partitions: [
          { topic: 'orders', partition: 0, offset: BigInt(i) },
          { topic: 'orders', partition: 1, offset: BigInt(2 * i) },
        ],
      });
    }
    const partition = [...Array(3).keys()].find((p) => (broker.logs.get(OFFSETS_TOPIC, p)?.logEndOffset ?? 0n) > 0n)!;
    const log = broker.logs.get(OFFSETS_TOPIC, partition)!;
    const before = log.sizeBytes;
    assert.equal(broker.groups.compactOffsetsTopic(0), 1);
    assert.ok(log.sizeBytes < before / 50, `${log.sizeBytes} bytes left of ${before}`);
    assert.equal(log.logStartOffset, 1000n, 'everything before the rewrite is gone');
    assert.equal(broker.groups.compactOffsetsTopic(0), 0, 'nothing more to gain');

    const reloaded = reload(broker);
    try {
      assert.deepEqual(
        reloaded.offsets.all('chatty').map((o) => [o.partition, o.offset]),
        [
          [0, 499n],
          [1, 998n],
        ],
      );
    } finally {
      reloaded.close();
    }
  } finally {
    await setup.close();
  }
});
