import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { ConsumerProtocolSubscription, ErrorCode, Writer } from '@fluxo/protocol';
import {
  DEFAULT_GROUP_CONFIG,
  GroupCoordinator,
  GroupState,
  type JoinOutcome,
  type JoinRequest,
  groupFromMetadata,
  groupMetadataOf,
  subscribedTopics,
} from '../../src/index.js';

function subscription(topics: string[]): Buffer {
  const w = new Writer(64);
  w.writeInt16(1);
  ConsumerProtocolSubscription.encode(w, ConsumerProtocolSubscription.create({ topics }), 1);
  return w.toBuffer();
}

/** A coordinator with one Stable group G1 of members a-1 (leader) and b-2, generation 1. */
function stableGroup() {
  const clock = new ManualClock(1_000_000);
  let next = 0;
  const coordinator = new GroupCoordinator(
    clock,
    { newMemberId: (clientId) => `${clientId}-${++next}` },
    { ...DEFAULT_GROUP_CONFIG, initialRebalanceDelayMs: 0 },
  );
  const request = (over: Partial<JoinRequest>): JoinRequest => ({
    groupId: 'G1',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['orders']) }],
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...over,
  });
  const answers: JoinOutcome[] = [];
  coordinator.join(request({ clientId: 'a' }), (r) => answers.push(r));
  coordinator.tick();
  coordinator.join(request({ clientId: 'b', groupInstanceId: 'static-b' }), (r) => answers.push(r));
  coordinator.join(request({ clientId: 'a', memberId: 'a-1' }), (r) => answers.push(r));
  const generation = coordinator.group('G1')!.generationId;
  coordinator.sync(
    {
      groupId: 'G1',
      memberId: 'a-1',
      generationId: generation,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [
        { memberId: 'a-1', assignment: Buffer.from('A') },
        { memberId: 'b-2', assignment: Buffer.from('B') },
      ],
    },
    () => {},
  );
  assert.equal(coordinator.group('G1')!.state, GroupState.Stable);
  return { clock, coordinator, generation };
}

describe('offset commit validation (Kafka classic rules)', () => {
  test('a member commits with the current generation; a stale generation is ILLEGAL_GENERATION', () => {
    const { coordinator, generation } = stableGroup();
    assert.equal(coordinator.validateOffsetCommit('G1', 'a-1', null, generation, 9), ErrorCode.NONE);
    assert.equal(coordinator.validateOffsetCommit('G1', 'a-1', null, generation - 1, 9), ErrorCode.ILLEGAL_GENERATION);
  });

  test('an unknown member is UNKNOWN_MEMBER_ID; a replaced static member is FENCED_INSTANCE_ID', () => {
    const { coordinator, generation } = stableGroup();
    assert.equal(coordinator.validateOffsetCommit('G1', 'ghost', null, generation, 9), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(
      coordinator.validateOffsetCommit('G1', 'old-b', 'static-b', generation, 9),
      ErrorCode.FENCED_INSTANCE_ID,
    );
  });

  test('commits without a generation are refused while the group has members, accepted once it is empty', () => {
    const { coordinator } = stableGroup();
    assert.equal(coordinator.validateOffsetCommit('G1', '', null, -1, 9), ErrorCode.UNKNOWN_MEMBER_ID);
    coordinator.leave('G1', [
      { memberId: 'a-1', groupInstanceId: null },
      { memberId: 'b-2', groupInstanceId: 'static-b' },
    ]);
    assert.equal(coordinator.group('G1')!.state, GroupState.Empty);
    assert.equal(coordinator.validateOffsetCommit('G1', '', null, -1, 9), ErrorCode.NONE);
  });

  test('a simple commit creates an Empty group; a member commit to an unknown group is GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before', () => {
    const { coordinator } = stableGroup();
    assert.equal(coordinator.validateOffsetCommit('standalone', '', null, -1, 9), ErrorCode.NONE);
    assert.equal(coordinator.group('standalone')?.state, GroupState.Empty);
    assert.equal(coordinator.validateOffsetCommit('gone', 'm-1', null, 3, 9), ErrorCode.GROUP_ID_NOT_FOUND);
    for (let v = 2; v <= 8; v++) {
      assert.equal(coordinator.validateOffsetCommit('gone', 'm-1', null, 3, v), ErrorCode.ILLEGAL_GENERATION, `v${v}`);
    }
    assert.equal(coordinator.group('gone'), undefined, 'a refused commit creates nothing');
    // Kafka accepts the empty group id for commits ("for backwards compatibility"), unlike JoinGroup.
    assert.equal(coordinator.validateOffsetCommit('', '', null, -1, 9), ErrorCode.NONE);
    assert.equal(coordinator.group('')?.state, GroupState.Empty);
  });

  test('a static instance id the group does not know is UNKNOWN_MEMBER_ID even when the member id exists', () => {
    const { coordinator, generation } = stableGroup();
    assert.equal(
      coordinator.validateOffsetCommit('G1', 'a-1', 'never-seen', generation, 9),
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(coordinator.heartbeat('G1', 'a-1', 'never-seen', generation), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('during CompletingRebalance a current member is told REBALANCE_IN_PROGRESS', () => {
    const { coordinator } = stableGroup();
    coordinator.join(
      {
        groupId: 'G1',
        memberId: 'a-1',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription(['orders', 'refunds']) }],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        clientId: 'a',
        clientHost: '/127.0.0.1',
        requireKnownMemberId: false,
      },
      () => {},
    );
    coordinator.join(
      {
        groupId: 'G1',
        memberId: 'b-2',
        groupInstanceId: 'static-b',
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: subscription(['orders']) }],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 10_000,
        clientId: 'b',
        clientHost: '/127.0.0.1',
        requireKnownMemberId: false,
      },
      () => {},
    );
    const group = coordinator.group('G1')!;
    assert.equal(group.state, GroupState.CompletingRebalance);
    assert.equal(
      coordinator.validateOffsetCommit('G1', 'a-1', null, group.generationId, 9),
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
  });
});

describe('group metadata records', () => {
  test('a Stable group survives groupMetadataOf -> groupFromMetadata with members, assignments and static ids', () => {
    const { coordinator, clock } = stableGroup();
    const before = coordinator.group('G1')!;
    const restored = groupFromMetadata('G1', groupMetadataOf(before));
    assert.equal(restored.state, GroupState.Stable);
    assert.equal(restored.generationId, before.generationId);
    assert.equal(restored.protocolName, 'range');
    assert.equal(restored.leaderId, 'a-1');
    assert.deepEqual([...restored.members.keys()], ['a-1', 'b-2']);
    assert.equal(restored.members.get('b-2')!.assignment.toString(), 'B');
    assert.equal(restored.staticMembers.get('static-b'), 'b-2');
    assert.deepEqual(subscribedTopics(restored), new Set(['orders']));

    // Installed in a fresh coordinator, members keep their generation if they heartbeat in time…
    const fresh = new GroupCoordinator(clock, { newMemberId: () => 'x' });
    fresh.restore(restored);
    assert.equal(fresh.heartbeat('G1', 'a-1', null, before.generationId), ErrorCode.NONE);
    // …and the one that does not is removed after its session timeout, which starts a rebalance.
    clock.advance(6_000);
    fresh.heartbeat('G1', 'a-1', null, before.generationId);
    clock.advance(6_000);
    fresh.tick();
    assert.equal(fresh.group('G1')!.members.has('b-2'), false);
    assert.equal(fresh.group('G1')!.state, GroupState.PreparingRebalance);
  });

  test('an Empty group comes back Empty with its generation, so the next one is higher', () => {
    const { coordinator } = stableGroup();
    coordinator.leave('G1', [
      { memberId: 'a-1', groupInstanceId: null },
      { memberId: 'b-2', groupInstanceId: 'static-b' },
    ]);
    const empty = coordinator.group('G1')!;
    const restored = groupFromMetadata('G1', groupMetadataOf(empty));
    assert.equal(restored.state, GroupState.Empty);
    assert.equal(restored.generationId, empty.generationId);
    assert.equal(restored.members.size, 0);
    assert.equal(restored.stateTimestampMs, empty.stateTimestampMs);
  });

  test('subscribedTopics is undefined for non-consumer groups and unreadable metadata', () => {
    const { coordinator } = stableGroup();
    const group = coordinator.group('G1')!;
    group.members.get('a-1')!.protocols = [{ name: 'range', metadata: Buffer.from([0xff]) }];
    assert.equal(subscribedTopics(group), undefined);
    group.protocolType = 'connect';
    assert.equal(subscribedTopics(group), undefined);
  });
});
