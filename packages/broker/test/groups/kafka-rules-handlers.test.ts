/**
 * The coordinator as the broker hosts it, through the handlers and codecs:
 * failed `__consumer_offsets` writes, KIP-814 by JoinGroup version,
 * OffsetCommit/OffsetFetch/OffsetDelete edge cases as Kafka answers them, and
 * DeleteTopics removing the deleted topic's committed offsets for good.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { partitionForGroup } from '@fluxo/coordinator';
import {
  type DeleteTopicsResponse,
  ErrorCode,
  type HeartbeatResponse,
  type OffsetDeleteResponse,
  type OffsetFetchResponse,
  ZERO_UUID,
} from '@fluxo/protocol';
import { createTopic } from '../../src/admin/topic-admin.js';
import { GroupService } from '../../src/groups/group-service.js';
import { offsetsPartitionLog } from '../../src/groups/offsets-topic.js';
import { heartbeatHandler } from '../../src/handlers/12-heartbeat.js';
import { offsetFetchHandler } from '../../src/handlers/09-offset-fetch.js';
import { deleteTopicsHandler } from '../../src/handlers/20-delete-topics.js';
import { offsetDeleteHandler } from '../../src/handlers/47-offset-delete.js';
import { createLogger } from '../../src/log/logger.js';
import type { BrokerServices } from '../../src/services.js';
import { call } from '../data-path/harness.js';
import { answer, commit, committed, groupBroker, join, joinNew, sync } from './group-client.js';

type Setup = Awaited<ReturnType<typeof groupBroker>>;
const PARTITIONS = 3; // offsets.topic.num.partitions in groupBroker

/** A group id whose records land in a different `__consumer_offsets` partition than `groupId`'s. */
function groupElsewhere(groupId: string): string {
  for (let i = 0; ; i++) {
    const other = `other-${i}`;
    if (partitionForGroup(other, PARTITIONS) !== partitionForGroup(groupId, PARTITIONS)) return other;
  }
}

/** Makes the group's `__consumer_offsets` partition refuse appends, as a failed disk does (KAFKA_STORAGE_ERROR). */
function breakOffsetsPartition(broker: BrokerServices, groupId: string): void {
  offsetsPartitionLog({ ...broker, settings: broker.config.groupCoordinator }, groupId).close();
}

describe('coordinator with the broker', () => {
  let setup: Setup;
  beforeEach(async () => {
    setup = await groupBroker({ 'offset.metadata.max.bytes': '4' });
  });
  afterEach(() => setup.close());

  test('a failed assignment write: the members get NOT_COORDINATOR and rebalance; groups elsewhere keep working', async () => {
    const { broker } = setup;
    const member = await joinNew(broker, { groupId: 'W' });
    assert.equal(member.errorCode, ErrorCode.NONE);
    breakOffsetsPartition(broker, 'W');
    const synced = await sync(broker, 'W', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('all') },
    ]);
    assert.equal(synced.errorCode, ErrorCode.NOT_COORDINATOR, "Kafka's mapping of KAFKA_STORAGE_ERROR");
    assert.equal(synced.assignment.length, 0);
    assert.equal(broker.groups.coordinator.group('W')?.state, 'PreparingRebalance');
    const commitError = await commit(broker, {
      groupId: 'W',
      memberId: member.memberId,
      generationId: member.generationId,
      partitions: [{ topic: 'orders', partition: 0, offset: 5n }],
    });
    assert.equal(commitError.get('orders-0'), ErrorCode.NOT_COORDINATOR);

    const otherId = groupElsewhere('W');
    const other = await joinNew(broker, { groupId: otherId });
    const ok = await sync(broker, otherId, other.memberId, other.generationId, [
      { memberId: other.memberId, assignment: Buffer.from('mine') },
    ]);
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal(ok.assignment.toString(), 'mine');
    const otherCommit = await commit(broker, {
      groupId: otherId,
      memberId: other.memberId,
      generationId: other.generationId,
      partitions: [{ topic: 'orders', partition: 0, offset: 5n }],
    });
    assert.equal(otherCommit.get('orders-0'), ErrorCode.NONE);
  });

  test('KIP-814 by JoinGroup version: v9 tells a rejoining static leader to skip the assignment, v8 names the old leader', async () => {
    const { broker } = setup;
    const first = await join(broker, { groupId: 'S', groupInstanceId: 'host-s' });
    assert.equal(first.errorCode, ErrorCode.NONE, 'static members skip MEMBER_ID_REQUIRED');
    await sync(broker, 'S', first.memberId, first.generationId, [
      { memberId: first.memberId, assignment: Buffer.from('a') },
    ]);
    const v9 = await join(broker, { groupId: 'S', groupInstanceId: 'host-s', version: 9 });
    assert.equal(v9.errorCode, ErrorCode.NONE);
    assert.notEqual(v9.memberId, first.memberId);
    assert.equal(v9.leader, v9.memberId);
    assert.equal(v9.skipAssignment, true);
    assert.equal(v9.members.length, 1);
    assert.equal(v9.generationId, first.generationId, 'no rebalance');
    const v8 = await join(broker, { groupId: 'S', groupInstanceId: 'host-s', version: 8 });
    assert.equal(v8.leader, v9.memberId, 'the leader id before this rejoin');
    assert.equal(v8.skipAssignment, false);
    assert.equal(v8.members.length, 0);
    const hb = await answer(
      call<HeartbeatResponse.HeartbeatResponseData>(
        heartbeatHandler,
        4,
        { groupId: 'S', generationId: first.generationId, memberId: v9.memberId, groupInstanceId: 'host-s' },
        broker,
      ),
    );
    assert.equal(hb.errorCode, ErrorCode.FENCED_INSTANCE_ID, 'v8 replaced the v9 instance');
  });

  test('OffsetCommit: the group is checked before the metadata size; the size is counted in UTF-16 units; the empty group id commits', async () => {
    const { broker } = setup;
    const member = await joinNew(broker, { groupId: 'M' });
    await sync(broker, 'M', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('x') },
    ]);
    const stale = await commit(broker, {
      groupId: 'M',
      memberId: member.memberId,
      generationId: member.generationId + 1,
      partitions: [{ topic: 'orders', partition: 0, offset: 1n, metadata: 'far too long' }],
    });
    assert.equal(stale.get('orders-0'), ErrorCode.ILLEGAL_GENERATION, 'the group decides first');
    const sized = await commit(broker, {
      groupId: 'M',
      memberId: member.memberId,
      generationId: member.generationId,
      partitions: [
        { topic: 'orders', partition: 0, offset: 1n, metadata: 'éééé' }, // 4 units, 8 UTF-8 bytes
        { topic: 'orders', partition: 1, offset: 1n, metadata: '😀😀😀' }, // 6 units
        { topic: 'orders', partition: 2, offset: 1n, metadata: 'abcd' },
      ],
    });
    assert.deepEqual(Object.fromEntries(sized), {
      'orders-0': ErrorCode.NONE,
      'orders-1': ErrorCode.OFFSET_METADATA_TOO_LARGE,
      'orders-2': ErrorCode.NONE,
    });
    const empty = await commit(broker, { groupId: '', partitions: [{ topic: 'orders', partition: 3, offset: 9n }] });
    assert.equal(empty.get('orders-3'), ErrorCode.NONE, 'Kafka keeps the empty group id for old clients');
    assert.deepEqual([...(await committed(broker, ''))], [['orders-3', 9n]]);
  });

  test('OffsetFetch v8+: several groups at once; an unknown group answers -1 with no error', async () => {
    const { broker } = setup;
    await commit(broker, { groupId: 'g1', partitions: [{ topic: 'orders', partition: 0, offset: 10n }] });
    await commit(broker, { groupId: 'g2', partitions: [{ topic: 'orders', partition: 1, offset: 20n }] });
    for (const version of [8, 9]) {
      const r = await answer(
        call<OffsetFetchResponse.OffsetFetchResponseData>(
          offsetFetchHandler,
          version,
          {
            groupId: '',
            topics: [],
            requireStable: false,
            groups: [
              { groupId: 'g1', memberId: null, memberEpoch: -1, topics: null },
              {
                groupId: 'g2',
                memberId: null,
                memberEpoch: -1,
                topics: [{ name: 'orders', partitionIndexes: [1, 2] }],
              },
              {
                groupId: 'ghost',
                memberId: null,
                memberEpoch: -1,
                topics: [{ name: 'orders', partitionIndexes: [0] }],
              },
              { groupId: 'ghost', memberId: null, memberEpoch: -1, topics: null },
            ],
          },
          broker,
        ),
      );
      assert.deepEqual(
        r.groups.map((g) => [
          g.groupId,
          g.errorCode,
          g.topics.flatMap((t) => t.partitions.map((p) => [t.name, p.partitionIndex, p.committedOffset, p.errorCode])),
        ]),
        [
          ['g1', 0, [['orders', 0, 10n, 0]]],
          [
            'g2',
            0,
            [
              ['orders', 1, 20n, 0],
              ['orders', 2, -1n, 0],
            ],
          ],
          ['ghost', 0, [['orders', 0, -1n, 0]]],
          ['ghost', 0, []],
        ],
        `v${version}`,
      );
    }
  });

  test('OffsetDelete: INVALID_GROUP_ID for the empty id; NON_EMPTY_GROUP for an active group of another protocol type', async () => {
    const { broker } = setup;
    const deleteOffsets = (groupId: string) =>
      answer(
        call<OffsetDeleteResponse.OffsetDeleteResponseData>(
          offsetDeleteHandler,
          0,
          { groupId, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0 }] }] },
          broker,
        ),
      );
    assert.equal((await deleteOffsets('')).errorCode, ErrorCode.INVALID_GROUP_ID);
    const member = await joinNew(broker, { groupId: 'workers', protocolType: 'connect' });
    assert.equal(member.errorCode, ErrorCode.NONE);
    const refused = await deleteOffsets('workers');
    assert.equal(refused.errorCode, ErrorCode.NON_EMPTY_GROUP);
    assert.deepEqual(refused.topics, []);
  });
});

describe('DeleteTopics and committed offsets', () => {
  test("a deleted topic's offsets go from every group with tombstones: not back after a reload or when the name returns", async () => {
    const setup = await groupBroker();
    try {
      const { broker } = setup;
      const made = createTopic(broker, { name: 'keep', numPartitions: 1, replicationFactor: 1, configs: {} }, false);
      assert.equal(made.errorCode, ErrorCode.NONE);
      for (const groupId of ['d1', 'd2']) {
        const errors = await commit(broker, {
          groupId,
          partitions: [
            { topic: 'orders', partition: 0, offset: 3n },
            { topic: 'orders', partition: 2, offset: 4n },
            { topic: 'keep', partition: 0, offset: 5n },
          ],
        });
        assert.deepEqual([...errors.values()], [0, 0, 0]);
      }
      const deleted = await answer(
        call<DeleteTopicsResponse.DeleteTopicsResponseData>(
          deleteTopicsHandler,
          6,
          {
            topics: [{ name: 'orders', topicId: ZERO_UUID }],
            topicNames: [],
            timeoutMs: 5_000,
          },
          broker,
        ),
      );
      assert.equal(deleted.responses[0]?.errorCode, ErrorCode.NONE);
      for (const groupId of ['d1', 'd2']) assert.deepEqual([...(await committed(broker, groupId))], [['keep-0', 5n]]);

      const reloaded = GroupService.open({
        ...broker,
        settings: broker.config.groupCoordinator,
        logger: createLogger({ level: 'error' }),
      });
      try {
        for (const groupId of ['d1', 'd2']) {
          assert.deepEqual(
            reloaded.offsets.all(groupId).map((o) => [o.topic, o.partition, o.offset]),
            [['keep', 0, 5n]],
            `${groupId} after replaying __consumer_offsets`,
          );
        }
      } finally {
        reloaded.close();
      }
      createTopic(broker, { name: 'orders', numPartitions: 4, replicationFactor: 1, configs: {} }, false);
      assert.equal((await committed(broker, 'd1')).has('orders-0'), false, 'a new topic of the same name starts clean');
    } finally {
      await setup.close();
    }
  });
});
