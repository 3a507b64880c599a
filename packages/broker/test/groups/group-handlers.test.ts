import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type DeleteGroupsResponse,
  type DescribeGroupsResponse,
  ErrorCode,
  type FindCoordinatorResponse,
  type HeartbeatResponse,
  type LeaveGroupResponse,
  type ListGroupsResponse,
  type OffsetDeleteResponse,
} from '@fluxo/protocol';
import { findCoordinatorHandler } from '../../src/handlers/10-find-coordinator.js';
import { joinGroupHandler } from '../../src/handlers/11-join-group.js';
import { heartbeatHandler } from '../../src/handlers/12-heartbeat.js';
import { leaveGroupHandler } from '../../src/handlers/13-leave-group.js';
import { syncGroupHandler } from '../../src/handlers/14-sync-group.js';
import { describeGroupsHandler } from '../../src/handlers/15-describe-groups.js';
import { listGroupsHandler } from '../../src/handlers/16-list-groups.js';
import { deleteGroupsHandler } from '../../src/handlers/42-delete-groups.js';
import { offsetDeleteHandler } from '../../src/handlers/47-offset-delete.js';
import { OFFSETS_TOPIC } from '../../src/groups/offsets-topic.js';
import { call, versions } from '../data-path/harness.js';
import { answer, commit, committed, groupBroker, join, joinNew, sync } from './group-client.js';

type Setup = Awaited<ReturnType<typeof groupBroker>>;

describe('group APIs through the codecs at every version', () => {
  let setup: Setup;
  before(async () => {
    setup = await groupBroker();
  });
  after(() => setup.close());

  test('FindCoordinator v0-6 names this broker (batched from v4) and creates __consumer_offsets', async () => {
    for (const v of versions(findCoordinatorHandler)) {
      const r = await answer(
        call<FindCoordinatorResponse.FindCoordinatorResponseData>(
          findCoordinatorHandler,
          v,
          v >= 4 ? { key: '', keyType: 0, coordinatorKeys: ['G', 'H'] } : { key: 'G', keyType: 0, coordinatorKeys: [] },
          setup.broker,
        ),
      );
      if (v >= 4) {
        assert.deepEqual(
          r.coordinators.map((c) => [c.key, c.nodeId, c.port, c.errorCode]),
          [
            ['G', 1, 9092, 0],
            ['H', 1, 9092, 0],
          ],
        );
      } else {
        assert.deepEqual([r.nodeId, r.host, r.port, r.errorCode], [1, 'localhost', 9092, 0], `v${v}`);
      }
    }
    const topic = setup.broker.topics.get(OFFSETS_TOPIC);
    assert.equal(topic?.partitions, 3, 'offsets.topic.num.partitions');
    assert.equal(topic?.isInternal, true);
    assert.equal(topic?.configs['cleanup.policy'], 'compact');
    const unknown = await answer(
      call<FindCoordinatorResponse.FindCoordinatorResponseData>(
        findCoordinatorHandler,
        3,
        { key: 'G', keyType: 7, coordinatorKeys: [] },
        setup.broker,
      ),
    );
    assert.equal(unknown.errorCode, ErrorCode.INVALID_REQUEST);
  });

  test('a whole membership cycle (join, sync, heartbeat, leave) works at every JoinGroup/SyncGroup/LeaveGroup version', async () => {
    const { broker } = setup;
    for (const v of versions(joinGroupHandler)) {
      const groupId = `cycle-v${v}`;
      const first = await join(broker, { groupId, version: v });
      if (v >= 4) {
        assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED, `v${v}: KIP-394`);
        assert.notEqual(first.memberId, '');
      } else assert.equal(first.errorCode, ErrorCode.NONE, `v${v}: joins at once`);
      const joined = v >= 4 ? await join(broker, { groupId, version: v, memberId: first.memberId }) : first;
      assert.equal(joined.errorCode, ErrorCode.NONE);
      assert.equal(joined.leader, joined.memberId);
      assert.equal(joined.protocolName, 'range');
      const syncVersion = Math.min(v, syncGroupHandler.maxVersion);
      const synced = await sync(
        broker,
        groupId,
        joined.memberId,
        joined.generationId,
        [{ memberId: joined.memberId, assignment: Buffer.from(`assignment-${v}`) }],
        syncVersion,
      );
      assert.equal(synced.errorCode, ErrorCode.NONE);
      assert.equal(synced.assignment.toString(), `assignment-${v}`);
      const hbVersion = Math.min(v, heartbeatHandler.maxVersion);
      const hb = await answer(
        call<HeartbeatResponse.HeartbeatResponseData>(
          heartbeatHandler,
          hbVersion,
          { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null },
          broker,
        ),
      );
      assert.equal(hb.errorCode, ErrorCode.NONE);
      const leaveVersion = Math.min(v, leaveGroupHandler.maxVersion);
      const left = await answer(
        call<LeaveGroupResponse.LeaveGroupResponseData>(
          leaveGroupHandler,
          leaveVersion,
          leaveVersion >= 3
            ? {
                groupId,
                memberId: '',
                members: [
                  { memberId: joined.memberId, groupInstanceId: null, reason: leaveVersion >= 5 ? 'test' : null },
                ],
              }
            : { groupId, memberId: joined.memberId, members: [] },
          broker,
        ),
      );
      assert.equal(left.errorCode, ErrorCode.NONE);
      if (leaveVersion >= 3)
        assert.deepEqual(
          left.members.map((m) => m.errorCode),
          [ErrorCode.NONE],
        );
      assert.equal(broker.groups.coordinator.group(groupId)?.state, 'Empty', `v${v}: left`);
    }
  });

  test('a failed join answers in every version (protocol name "" before v7, where it cannot be null)', async () => {
    for (const v of versions(joinGroupHandler)) {
      const r = await join(setup.broker, { groupId: `bad-session-${v}`, sessionTimeoutMs: 10, version: v });
      assert.equal(r.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT, `v${v}`);
      assert.equal(r.protocolName, v >= 7 ? null : '');
    }
    const r = await join(setup.broker, { groupId: '' });
    assert.equal(r.errorCode, ErrorCode.INVALID_GROUP_ID);
  });

  test('OffsetFetch answers committed offsets at every version (several groups at once from v8)', async () => {
    const { broker } = setup;
    const errors = await commit(broker, {
      groupId: 'fetcher',
      partitions: [
        { topic: 'orders', partition: 0, offset: 17n, metadata: 'm' },
        { topic: 'orders', partition: 3, offset: 5n },
      ],
    });
    assert.deepEqual([...errors.values()], [ErrorCode.NONE, ErrorCode.NONE]);
    for (let v = 2; v <= 9; v++) {
      const offsets = await committed(broker, 'fetcher', v);
      assert.deepEqual(
        [...offsets],
        [
          ['orders-0', 17n],
          ['orders-3', 5n],
        ],
        `v${v}`,
      );
    }
  });
});

describe('bad input to the group coordinator', () => {
  let setup: Setup;
  before(async () => {
    setup = await groupBroker({ 'offset.metadata.max.bytes': '16' });
  });
  after(() => setup.close());

  test('commits: wrong generation, unknown member, unknown group, unknown partitions, oversized metadata', async () => {
    const { broker } = setup;
    const member = await joinNew(broker, { groupId: 'G' });
    await sync(broker, 'G', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('a') },
    ]);
    const one = (partition = 0, metadata = '') => [{ topic: 'orders', partition, offset: 1n, metadata }];

    const stale = await commit(broker, {
      groupId: 'G',
      memberId: member.memberId,
      generationId: member.generationId + 1,
      partitions: one(),
    });
    assert.equal(stale.get('orders-0'), ErrorCode.ILLEGAL_GENERATION);
    const stranger = await commit(broker, {
      groupId: 'G',
      memberId: 'stranger',
      generationId: member.generationId,
      partitions: one(),
    });
    assert.equal(stranger.get('orders-0'), ErrorCode.UNKNOWN_MEMBER_ID);
    const noGeneration = await commit(broker, { groupId: 'G', partitions: one() });
    assert.equal(noGeneration.get('orders-0'), ErrorCode.UNKNOWN_MEMBER_ID, 'the group has members');
    for (const version of [8, 9]) {
      const unknownGroup = await commit(broker, {
        groupId: 'nobody',
        memberId: 'm',
        generationId: 4,
        partitions: one(),
        version,
      });
      // KIP-848 changed this in v9; older clients expect ILLEGAL_GENERATION.
      const expected = version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
      assert.equal(unknownGroup.get('orders-0'), expected, `v${version}`);
    }
    const mixed = await commit(broker, {
      groupId: 'G',
      memberId: member.memberId,
      generationId: member.generationId,
      partitions: [
        { topic: 'orders', partition: 1, offset: 10n },
        { topic: 'orders', partition: 99, offset: 10n },
        { topic: 'no-such-topic', partition: 0, offset: 10n },
        { topic: 'orders', partition: 2, offset: 10n, metadata: 'x'.repeat(17) },
      ],
    });
    assert.deepEqual(Object.fromEntries(mixed), {
      'orders-1': ErrorCode.NONE,
      'orders-99': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'no-such-topic-0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'orders-2': ErrorCode.OFFSET_METADATA_TOO_LARGE,
    });
    // Only the good partition was stored, and the coordinator still serves the member.
    assert.deepEqual([...(await committed(broker, 'G'))], [['orders-1', 10n]]);
    const again = await commit(broker, {
      groupId: 'G',
      memberId: member.memberId,
      generationId: member.generationId,
      partitions: one(0, 'x'.repeat(16)),
    });
    assert.equal(again.get('orders-0'), ErrorCode.NONE);
  });

  test('sync and heartbeat with a wrong generation or member are refused; the group keeps working', async () => {
    const { broker } = setup;
    const member = await joinNew(broker, { groupId: 'H' });
    const wrongGeneration = await sync(broker, 'H', member.memberId, member.generationId + 7);
    assert.equal(wrongGeneration.errorCode, ErrorCode.ILLEGAL_GENERATION);
    const wrongMember = await sync(broker, 'H', 'nobody', member.generationId);
    assert.equal(wrongMember.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const hb = (memberId: string, generationId: number) =>
      answer(
        call<HeartbeatResponse.HeartbeatResponseData>(
          heartbeatHandler,
          4,
          { groupId: 'H', generationId, memberId, groupInstanceId: null },
          broker,
        ),
      );
    assert.equal((await hb('nobody', member.generationId)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await hb(member.memberId, 99)).errorCode, ErrorCode.ILLEGAL_GENERATION);
    const ok = await sync(broker, 'H', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('all') },
    ]);
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal((await hb(member.memberId, member.generationId)).errorCode, ErrorCode.NONE);
  });
});

describe('group administration', () => {
  let setup: Setup;
  before(async () => {
    setup = await groupBroker();
  });
  after(() => setup.close());

  const describeGroup = (groupId: string) =>
    answer(
      call<DescribeGroupsResponse.DescribeGroupsResponseData>(
        describeGroupsHandler,
        5,
        { groups: [groupId], includeAuthorizedOperations: false },
        setup.broker,
      ),
    ).then((r) => r.groups[0]!);
  const listGroups = (statesFilter: string[] = [], typesFilter: string[] = []) =>
    answer(
      call<ListGroupsResponse.ListGroupsResponseData>(
        listGroupsHandler,
        5,
        { statesFilter, typesFilter },
        setup.broker,
      ),
    ).then((r) => r.groups.map((g) => `${g.groupId}:${g.groupState}:${g.protocolType}`).sort());
  const deleteGroups = (groupsNames: string[]) =>
    answer(
      call<DeleteGroupsResponse.DeleteGroupsResponseData>(deleteGroupsHandler, 2, { groupsNames }, setup.broker),
    ).then((r) => r.results.map((g) => g.errorCode));
  const deleteOffsets = (groupId: string, partitions: number[], topic = 'orders') =>
    answer(
      call<OffsetDeleteResponse.OffsetDeleteResponseData>(
        offsetDeleteHandler,
        0,
        { groupId, topics: [{ name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex })) }] },
        setup.broker,
      ),
    );

  test('describe, list (with state and type filters), delete and offset delete', async () => {
    const { broker } = setup;
    const subscription = Buffer.from([0, 0, 0, 0, 0, 1, 0, 6, ...Buffer.from('orders'), 0xff, 0xff, 0xff, 0xff]);
    const member = await joinNew(broker, { groupId: 'live', metadata: subscription });
    await sync(broker, 'live', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('p0-p3') },
    ]);
    await commit(broker, {
      groupId: 'live',
      memberId: member.memberId,
      generationId: member.generationId,
      partitions: [{ topic: 'orders', partition: 0, offset: 3n }],
    });
    await commit(broker, { groupId: 'simple', partitions: [{ topic: 'orders', partition: 1, offset: 8n }] });

    const live = await describeGroup('live');
    assert.equal(live.groupState, 'Stable');
    assert.equal(live.protocolData, 'range');
    assert.equal(live.members[0]!.memberAssignment.toString(), 'p0-p3');
    assert.equal(live.members[0]!.clientId, 'data-path-test');
    assert.equal((await describeGroup('never-seen')).groupState, 'Dead');

    assert.deepEqual(await listGroups(), ['live:Stable:consumer', 'simple:Empty:']);
    assert.deepEqual(await listGroups(['empty']), ['simple:Empty:']);
    assert.deepEqual(await listGroups([], ['consumer']), [], 'all groups are classic');

    // Offsets of a topic the live group subscribes to stay; the empty group's go.
    const refused = await deleteOffsets('live', [0]);
    assert.equal(refused.topics[0]!.partitions[0]!.errorCode, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    const deleted = await deleteOffsets('simple', [1, 77]);
    assert.deepEqual(
      deleted.topics[0]!.partitions.map((p) => p.errorCode),
      [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    );
    assert.equal((await committed(broker, 'simple')).size, 0);
    assert.equal((await deleteOffsets('ghost', [0])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);

    assert.deepEqual(await deleteGroups(['live', 'simple', 'ghost']), [
      ErrorCode.NON_EMPTY_GROUP,
      ErrorCode.NONE,
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
    assert.deepEqual(await listGroups(), ['live:Stable:consumer']);
  });

  test('a member that stops heartbeating is removed after its session timeout', async () => {
    const { broker, advance } = setup;
    const member = await joinNew(broker, { groupId: 'sleepy', sessionTimeoutMs: 2_000 });
    await sync(broker, 'sleepy', member.memberId, member.generationId, [
      { memberId: member.memberId, assignment: Buffer.from('x') },
    ]);
    advance(1_999);
    assert.equal(broker.groups.coordinator.group('sleepy')?.members.size, 1);
    advance(1);
    assert.equal(broker.groups.coordinator.group('sleepy')?.members.size, 0);
    assert.equal(broker.groups.coordinator.group('sleepy')?.state, 'Empty');
  });
});

describe('offsets.retention.minutes', () => {
  test('offsets of an empty group expire a retention after it became empty; simple commits from their commit', async () => {
    const setup = await groupBroker({ 'offsets.retention.minutes': '1' });
    try {
      const { broker, clock } = setup;
      const member = await joinNew(broker, { groupId: 'consumers' });
      await sync(broker, 'consumers', member.memberId, member.generationId, [
        { memberId: member.memberId, assignment: Buffer.from('x') },
      ]);
      await commit(broker, {
        groupId: 'consumers',
        memberId: member.memberId,
        generationId: member.generationId,
        partitions: [{ topic: 'orders', partition: 0, offset: 42n }],
      });
      await commit(broker, { groupId: 'standalone', partitions: [{ topic: 'orders', partition: 2, offset: 7n }] });

      clock.advance(30_000);
      broker.groups.coordinator.leave('consumers', [{ memberId: member.memberId, groupInstanceId: null }]);
      clock.advance(30_001);
      assert.equal(broker.groups.expireOffsets(), 1, 'only the standalone commit is a minute old');
      assert.equal((await committed(broker, 'standalone')).size, 0);
      assert.equal(broker.groups.coordinator.group('standalone'), undefined, 'an empty group without offsets goes');
      assert.equal((await committed(broker, 'consumers')).get('orders-0'), 42n, 'empty for 30 s only');

      clock.advance(30_000);
      assert.equal(broker.groups.expireOffsets(), 1);
      assert.equal((await committed(broker, 'consumers')).size, 0);
    } finally {
      await setup.close();
    }
  });
});
