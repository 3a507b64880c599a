/**
 * The classic coordinator against Apache Kafka's rules (GroupMetadataManager /
 * ClassicGroup, Kafka 3.x-4.x), one rule per test: SyncGroup errors and a
 * failed assignment write, group.max.size, static membership (KIP-345),
 * skipAssignment (KIP-814), pending members (KIP-394), invalid group ids.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '@fluxo/protocol';
import { groupFromMetadata, groupMetadataOf } from '../../src/index.js';
import { harness, isPending, RANGE, ROUNDROBIN } from './coordinator-harness.js';

describe('SyncGroup', () => {
  test('errors are mapped as Kafka maps them', () => {
    const h = harness();
    h.stable();
    const code = (over: Parameters<typeof h.sync>[0]) => h.sync(over).value?.errorCode;
    assert.equal(code({ groupId: '', memberId: 'a-1', generationId: 1 }), ErrorCode.INVALID_GROUP_ID);
    assert.equal(code({ groupId: 'nope', memberId: 'a-1', generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(code({ memberId: 'ghost', generationId: 1 }), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(code({ memberId: 'b-9', generationId: 1, groupInstanceId: 'host-b' }), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(code({ memberId: 'a-1', generationId: 2 }), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(
      code({ memberId: 'a-1', generationId: 1, protocolType: 'connect' }),
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    assert.equal(
      code({ memberId: 'a-1', generationId: 1, protocolName: 'roundrobin' }),
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    // v0-4 carry no protocol type or name: nothing to be inconsistent with.
    const old = h.sync({ memberId: 'a-1', generationId: 1, protocolType: null, protocolName: null });
    assert.equal(old.value?.errorCode, ErrorCode.NONE);
    assert.equal(old.value?.assignment.toString(), 'A');
    h.joinNew({ clientId: 'c' });
    assert.equal(h.group().state, 'PreparingRebalance');
    assert.equal(code({ memberId: 'a-1', generationId: 1 }), ErrorCode.REBALANCE_IN_PROGRESS);
  });

  test('a failed write of the assignment answers every waiting member with the error and rebalances', () => {
    const h = harness();
    h.joinNew({ clientId: 'a' });
    h.joinNew({ clientId: 'b' });
    h.advance(6_000);
    assert.equal(h.group().generationId, 1);
    const follower = h.sync({ memberId: 'b-2', generationId: 1 });
    assert.equal(isPending(follower), true);
    h.writeError.code = ErrorCode.NOT_COORDINATOR;
    const leader = h.sync({
      memberId: 'a-1',
      generationId: 1,
      assignments: [
        { memberId: 'a-1', assignment: Buffer.from('A') },
        { memberId: 'b-2', assignment: Buffer.from('B') },
      ],
    });
    for (const answer of [leader, follower]) {
      assert.equal(answer.value?.errorCode, ErrorCode.NOT_COORDINATOR);
      assert.equal(answer.value?.assignment.length, 0, 'no assignment a restart would lose');
    }
    assert.equal(h.group().state, 'PreparingRebalance');
    assert.deepEqual(
      [...h.group().members.values()].map((m) => m.assignment.length),
      [0, 0],
    );
    assert.equal(h.coordinator.heartbeat('G1', 'a-1', null, 1), ErrorCode.REBALANCE_IN_PROGRESS);

    h.writeError.code = ErrorCode.NONE;
    const a = h.join({ clientId: 'a', memberId: 'a-1' });
    const b = h.join({ clientId: 'b', memberId: 'b-2' });
    assert.equal(a.value?.generationId, 2);
    assert.equal(b.value?.generationId, 2);
    const ok = h.sync({
      memberId: 'a-1',
      generationId: 2,
      assignments: [{ memberId: 'a-1', assignment: Buffer.from('A') }],
    });
    assert.equal(ok.value?.errorCode, ErrorCode.NONE);
    assert.equal(h.group().state, 'Stable');
  });
});

describe('group.max.size (Kafka acceptJoiningMember)', () => {
  test('an empty group hands out ids; while rebalancing the rejoined members count; a full Stable group keeps its members only', () => {
    const h = harness({ maxSize: 2 });
    const ids = ['a', 'b', 'c'].map((clientId) => h.join({ clientId }).value!);
    assert.deepEqual(
      ids.map((r) => r.errorCode),
      [ErrorCode.MEMBER_ID_REQUIRED, ErrorCode.MEMBER_ID_REQUIRED, ErrorCode.MEMBER_ID_REQUIRED],
      'an Empty group accepts every first join',
    );
    const a = h.join({ clientId: 'a', memberId: ids[0]!.memberId });
    const b = h.join({ clientId: 'b', memberId: ids[1]!.memberId });
    const c = h.join({ clientId: 'c', memberId: ids[2]!.memberId });
    assert.equal(c.value?.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    assert.equal(c.value?.memberId, '');
    assert.equal(h.group().pendingMembers.has(ids[2]!.memberId), false, 'the refused id is forgotten');
    h.advance(6_000);
    assert.equal(a.value?.generationId, 1);
    assert.equal(b.value?.generationId, 1);
    h.sync({ memberId: 'a-1', generationId: 1 });
    assert.equal(h.group().state, 'Stable');

    assert.equal(h.join({ clientId: 'd' }).value?.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED, 'a newcomer');
    const rejoin = h.join({ clientId: 'b', memberId: 'b-2' });
    assert.equal(rejoin.value?.errorCode, ErrorCode.NONE, 'an existing member is always accepted');
    assert.equal(rejoin.value?.generationId, 1);
  });

  test('a group loaded with more members than the limit rebalances and turns away the last to rejoin', () => {
    const before = harness();
    before.stable();
    const after = harness({ maxSize: 1 });
    after.coordinator.restore(groupFromMetadata('G1', groupMetadataOf(before.group())));
    assert.equal(after.group().state, 'PreparingRebalance');
    const a = after.join({ clientId: 'a', memberId: 'a-1' });
    assert.equal(isPending(a), true);
    const b = after.join({ clientId: 'b', memberId: 'b-2', groupInstanceId: 'host-b' });
    assert.equal(b.value?.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
    assert.equal(after.group().members.has('b-2'), false);
    assert.equal(a.value?.generationId, 2, 'the rebalance no longer waits for b');
    assert.deepEqual(
      a.value?.members.map((m) => m.memberId),
      ['a-1'],
    );
  });
});

describe('static membership (KIP-345)', () => {
  test('a restarted static member takes over without a rebalance while the chosen protocol stays; the old id is fenced', () => {
    const h = harness();
    h.stable();
    const writes = h.writes.length;
    // A changed subscription does not matter to the coordinator: only the group's protocol choice does.
    const again = h.join({
      clientId: 'b',
      groupInstanceId: 'host-b',
      protocols: [{ name: 'range', metadata: Buffer.from('new subscription') }],
    });
    assert.equal(again.value?.errorCode, ErrorCode.NONE);
    assert.equal(again.value?.generationId, 1, 'no rebalance');
    assert.equal(again.value?.memberId, 'b-3');
    assert.equal(again.value?.leader, 'a-1');
    assert.equal(again.value?.members.length, 0);
    assert.equal(h.group().state, 'Stable');
    assert.equal(h.writes.length, writes + 1, 'the new member id is written');
    const mine = h.sync({ memberId: 'b-3', generationId: 1, groupInstanceId: 'host-b' });
    assert.equal(mine.value?.assignment.toString(), 'B', 'the old assignment');

    assert.equal(h.coordinator.heartbeat('G1', 'b-2', 'host-b', 1), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(
      h.sync({ memberId: 'b-2', generationId: 1, groupInstanceId: 'host-b' }).value?.errorCode,
      ErrorCode.FENCED_INSTANCE_ID,
    );
    assert.equal(h.coordinator.validateOffsetCommit('G1', 'b-2', 'host-b', 1, 9), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(
      h.join({ clientId: 'b', memberId: 'b-2', groupInstanceId: 'host-b' }).value?.errorCode,
      ErrorCode.FENCED_INSTANCE_ID,
    );
  });

  test('a static member whose new protocols change the group choice rebalances', () => {
    const h = harness();
    const a = h.joinNew({ clientId: 'a', protocols: [ROUNDROBIN, RANGE] });
    h.join({ clientId: 'b', groupInstanceId: 'host-b', protocols: [RANGE, ROUNDROBIN] });
    h.joinNew({ clientId: 'c', protocols: [RANGE, ROUNDROBIN] });
    h.advance(9_000);
    assert.equal(a.value?.protocolName, 'range', 'two votes to one');
    h.sync({ memberId: 'a-1', generationId: 1, protocolName: 'range' });
    const same = h.join({ clientId: 'b', groupInstanceId: 'host-b', protocols: [RANGE] });
    assert.equal(same.value?.generationId, 1, 'still range: no rebalance');
    const changed = h.join({ clientId: 'b', groupInstanceId: 'host-b', protocols: [ROUNDROBIN, RANGE] });
    assert.equal(isPending(changed), true, 'roundrobin would now win two to one');
    assert.equal(h.group().state, 'PreparingRebalance');
  });

  test('if the new member id cannot be written, the old one stays and the newcomer gets the error', () => {
    const h = harness();
    h.stable();
    h.writeError.code = ErrorCode.NOT_COORDINATOR;
    const again = h.join({ clientId: 'b', groupInstanceId: 'host-b' });
    assert.equal(again.value?.errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal(again.value?.memberId, '');
    assert.equal(h.group().staticMembers.get('host-b'), 'b-2');
    assert.equal(h.group().members.has('b-3'), false);
    assert.equal(h.coordinator.heartbeat('G1', 'b-2', 'host-b', 1), ErrorCode.NONE);
  });

  test("a replaced member's waiting SyncGroup is fenced and the group rebalances to the new id", () => {
    const h = harness();
    h.joinNew({ clientId: 'a' });
    h.join({ clientId: 'b', groupInstanceId: 'host-b' });
    h.advance(6_000);
    const oldSync = h.sync({ memberId: 'b-2', generationId: 1, groupInstanceId: 'host-b' });
    const again = h.join({ clientId: 'b', groupInstanceId: 'host-b' });
    assert.equal(oldSync.value?.errorCode, ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.group().state, 'PreparingRebalance', 'the leader may be assigning to the old id');
    const a = h.join({ clientId: 'a', memberId: 'a-1' });
    assert.equal(a.value?.generationId, 2);
    assert.equal(again.value?.memberId, 'b-3');
    assert.deepEqual(a.value?.members.map((m) => m.memberId).sort(), ['a-1', 'b-3']);
  });

  test('a static member that misses a rebalance keeps its place (its session decides); dynamic ones are dropped', () => {
    const h = harness();
    h.joinNew({ clientId: 'a' });
    h.join({ clientId: 'b', groupInstanceId: 'host-b' });
    h.joinNew({ clientId: 'c' });
    h.advance(9_000);
    assert.equal(h.group().generationId, 1);
    h.sync({ memberId: 'a-1', generationId: 1 });
    h.joinNew({ clientId: 'd' });
    const a = h.join({ clientId: 'a', memberId: 'a-1' });
    h.advance(5_000); // the rebalance timeout: b and c never rejoined
    assert.equal(a.value?.generationId, 2);
    assert.deepEqual(a.value?.members.map((m) => m.memberId).sort(), ['a-1', 'b-2', 'd-4']);
    assert.equal(h.group().members.has('c-3'), false);
    assert.equal(h.coordinator.heartbeat('G1', 'b-2', 'host-b', 2), ErrorCode.NONE);
  });

  test('a static leader that misses the rebalance hands the lead to a member that rejoined', () => {
    const h = harness();
    h.join({ clientId: 'a', groupInstanceId: 'host-a' });
    h.joinNew({ clientId: 'b' });
    h.advance(6_000);
    assert.equal(h.group().leaderId, 'a-1');
    h.sync({ memberId: 'a-1', generationId: 1, groupInstanceId: 'host-a' });
    h.joinNew({ clientId: 'c' });
    const b = h.join({ clientId: 'b', memberId: 'b-2' });
    h.advance(5_000);
    assert.equal(b.value?.generationId, 2);
    assert.equal(b.value?.leader, 'b-2');
    assert.equal(b.value?.members.length, 3, 'the new leader assigns to the absent static member too');
  });

  test('LeaveGroup v3+: members leave by instance id; each gets its own error; the request answers NONE', () => {
    const h = harness();
    h.stable();
    const result = h.coordinator.leave('G1', [
      { memberId: 'b-old', groupInstanceId: 'host-b' },
      { memberId: '', groupInstanceId: 'host-b' },
      { memberId: 'ghost', groupInstanceId: null },
      { memberId: '', groupInstanceId: 'nobody' },
      { memberId: '', groupInstanceId: null },
    ]);
    assert.equal(result.errorCode, ErrorCode.NONE);
    assert.deepEqual(
      result.members.map((m) => [m.memberId, m.groupInstanceId, m.errorCode]),
      [
        ['b-old', 'host-b', ErrorCode.FENCED_INSTANCE_ID],
        ['', 'host-b', ErrorCode.NONE],
        ['ghost', null, ErrorCode.UNKNOWN_MEMBER_ID],
        ['', 'nobody', ErrorCode.UNKNOWN_MEMBER_ID],
        ['', null, ErrorCode.UNKNOWN_MEMBER_ID],
      ],
    );
    assert.equal(h.group().members.has('b-2'), false);
    assert.equal(h.group().staticMembers.has('host-b'), false);
    assert.equal(h.group().state, 'PreparingRebalance');
    assert.equal(
      h.coordinator.leave('nogroup', [{ memberId: 'x', groupInstanceId: null }]).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });
});

describe('KIP-814 skipAssignment', () => {
  function staticLeader() {
    const h = harness();
    h.join({ clientId: 'a', groupInstanceId: 'host-a' });
    h.joinNew({ clientId: 'b' });
    h.advance(6_000);
    h.sync({ memberId: 'a-1', generationId: 1, groupInstanceId: 'host-a' });
    assert.equal(h.group().state, 'Stable');
    return h;
  }

  test('JoinGroup v9: a static leader rejoining a Stable group gets the members and skipAssignment', () => {
    const h = staticLeader();
    const v9 = h.join({ clientId: 'a', groupInstanceId: 'host-a', supportsSkipAssignment: true });
    assert.equal(v9.value?.errorCode, ErrorCode.NONE);
    assert.equal(v9.value?.memberId, 'a-3');
    assert.equal(v9.value?.leader, 'a-3');
    assert.equal(v9.value?.skipAssignment, true);
    assert.deepEqual(v9.value?.members.map((m) => m.memberId).sort(), ['a-3', 'b-2']);
    assert.equal(v9.value?.generationId, 1);
    assert.equal(h.group().state, 'Stable');
  });

  test('before v9 the answer names the previous leader id, so the member does not reassign', () => {
    const h = staticLeader();
    const v8 = h.join({ clientId: 'a', groupInstanceId: 'host-a', supportsSkipAssignment: false });
    assert.equal(v8.value?.memberId, 'a-3');
    assert.equal(v8.value?.leader, 'a-1');
    assert.equal(v8.value?.skipAssignment, false);
    assert.deepEqual(v8.value?.members, []);
    assert.equal(h.group().leaderId, 'a-3', 'it still leads');
  });

  test('a static follower never skips: it has nothing to assign', () => {
    const h = harness();
    h.stable();
    const v9 = h.join({ clientId: 'b', groupInstanceId: 'host-b', supportsSkipAssignment: true });
    assert.equal(v9.value?.skipAssignment, false);
    assert.deepEqual(v9.value?.members, []);
    assert.equal(v9.value?.leader, 'a-1');
  });
});

describe('pending members (KIP-394)', () => {
  test('an id handed out by MEMBER_ID_REQUIRED and never used expires after the session timeout, without a rebalance', () => {
    const h = harness();
    h.stable();
    const first = h.join({ clientId: 'late', sessionTimeoutMs: 10_000 });
    assert.equal(first.value?.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(h.group().state, 'Stable', 'a pending member is not a member yet');
    for (let i = 0; i < 2; i++) {
      h.advance(5_000);
      assert.equal(h.coordinator.heartbeat('G1', 'a-1', null, 1), ErrorCode.NONE);
      assert.equal(h.coordinator.heartbeat('G1', 'b-2', 'host-b', 1), ErrorCode.NONE);
    }
    assert.equal(h.group().pendingMembers.size, 0, 'expired');
    assert.equal(h.group().state, 'Stable', 'no rebalance');
    assert.equal(h.group().generationId, 1);
    assert.equal(
      h.join({ clientId: 'late', memberId: first.value!.memberId }).value?.errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  test('a pending member leaving does not rebalance', () => {
    const h = harness();
    h.stable();
    const first = h.join({ clientId: 'p' });
    const left = h.coordinator.leave('G1', [{ memberId: first.value!.memberId, groupInstanceId: null }]);
    assert.equal(left.members[0]?.errorCode, ErrorCode.NONE);
    assert.equal(h.group().state, 'Stable');
    assert.equal(h.group().pendingMembers.size, 0);
  });

  test('a pending id outlives a rebalance that completes without it, and can still join', () => {
    const h = harness();
    h.stable();
    const first = h.join({ clientId: 'p' });
    h.join({ clientId: 'a', memberId: 'a-1' }); // the leader rejoining rebalances
    const b = h.join({ clientId: 'b', memberId: 'b-2', groupInstanceId: 'host-b' });
    h.advance(5_000);
    assert.equal(b.value?.generationId, 2, 'the rebalance timeout ended the wait for the pending member');
    const p = h.join({ clientId: 'p', memberId: first.value!.memberId });
    assert.equal(isPending(p), true, 'accepted: it joins the next rebalance');
    assert.equal(h.group().members.has(first.value!.memberId), true);
  });
});

describe('invalid group ids and protocols', () => {
  test('the empty group id is INVALID_GROUP_ID for JoinGroup, SyncGroup, Heartbeat and LeaveGroup', () => {
    const h = harness();
    assert.equal(h.join({ groupId: '' }).value?.errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal(h.sync({ groupId: '', memberId: 'm', generationId: 1 }).value?.errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal(h.coordinator.heartbeat('', 'm', null, 1), ErrorCode.INVALID_GROUP_ID);
    assert.equal(
      h.coordinator.leave('', [{ memberId: 'm', groupInstanceId: null }]).errorCode,
      ErrorCode.INVALID_GROUP_ID,
    );
    assert.equal(h.coordinator.group(''), undefined);
  });

  test('a first member without a protocol type or protocols is INCONSISTENT_GROUP_PROTOCOL', () => {
    const h = harness();
    assert.equal(h.join({ protocolType: '' }).value?.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(h.join({ protocols: [] }).value?.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(h.group().members.size + h.group().pendingMembers.size, 0);
  });
});
