import { ErrorCode } from '@fluxo/protocol';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '@fluxo/core';
import {
  DEFAULT_GROUP_CONFIG,
  GroupCoordinator,
  GroupState,
  type JoinOutcome,
  type JoinRequest,
  type SyncOutcome,
} from '../../src/index.js';

/** True while a delayed answer has not arrived (not an assertion, so TypeScript does not narrow). */
const isPending = (box: { value?: unknown }): boolean => box.value === undefined;

const RANGE = { name: 'range', metadata: Buffer.from('r') };
const ROUNDROBIN = { name: 'roundrobin', metadata: Buffer.from('rr') };

/** A coordinator on a manual clock, with deterministic member ids and captured replies. */
function setup(config = DEFAULT_GROUP_CONFIG) {
  const clock = new ManualClock();
  let next = 0;
  const changes: string[] = [];
  /** What the next GroupMetadata write answers (tests set a failure). */
  const writeError = { code: ErrorCode.NONE as number };
  const coordinator = new GroupCoordinator(
    clock,
    {
      newMemberId: (clientId) => `${clientId}-${++next}`,
      persistGroup: (g) => {
        changes.push(`${g.state}:${g.generationId}`);
        return writeError.code;
      },
    },
    config,
  );
  const joinReq = (over: Partial<JoinRequest> = {}): JoinRequest => ({
    groupId: 'G1',
    memberId: '',
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [RANGE],
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 30_000,
    clientId: 'c',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: true,
    ...over,
  });
  const join = (over: Partial<JoinRequest> = {}) => {
    const box: { value?: JoinOutcome } = {};
    coordinator.join(joinReq(over), (r) => {
      box.value = r;
    });
    return box;
  };
  /** KIP-394 two-step join: get an id, then join with it. */
  const joinNew = (over: Partial<JoinRequest> = {}) => {
    const first = join(over);
    assert.equal(first.value?.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    return join({ ...over, memberId: first.value!.memberId });
  };
  const sync = (
    memberId: string,
    generationId: number,
    assignments: { memberId: string; assignment: Buffer }[] = [],
  ) => {
    const box: { value?: SyncOutcome } = {};
    coordinator.sync(
      {
        groupId: 'G1',
        memberId,
        generationId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: null,
        assignments,
      },
      (r) => {
        box.value = r;
      },
    );
    return box;
  };
  const advance = (ms: number) => {
    clock.advance(ms);
    coordinator.tick();
  };
  return { clock, coordinator, join, joinNew, sync, advance, changes, writeError };
}

describe('group coordinator (classic protocol)', () => {
  test('first join: member id required, then the initial rebalance delay, then a generation with one leader', () => {
    const { coordinator, joinNew, sync, advance } = setup();
    const a = joinNew({ clientId: 'a' });
    assert.equal(isPending(a), true, 'join waits for group.initial.rebalance.delay.ms');
    assert.equal(coordinator.group('G1')!.state, GroupState.PreparingRebalance);
    advance(DEFAULT_GROUP_CONFIG.initialRebalanceDelayMs);
    assert.equal(a.value?.errorCode, ErrorCode.NONE);
    assert.equal(a.value?.generationId, 1);
    assert.equal(a.value?.leader, a.value?.memberId);
    assert.equal(a.value?.protocolName, 'range');
    assert.deepEqual(
      a.value?.members.map((m) => m.memberId),
      ['a-1'],
    );
    const s = sync('a-1', 1, [{ memberId: 'a-1', assignment: Buffer.from('all four partitions') }]);
    assert.equal(s.value?.errorCode, ErrorCode.NONE);
    assert.equal(s.value?.assignment.toString(), 'all four partitions');
    assert.equal(coordinator.group('G1')!.state, GroupState.Stable);
  });

  test('a second member triggers a rebalance; the old member learns it by heartbeat and both get the new generation', () => {
    const { coordinator, joinNew, join, sync, advance } = setup();
    joinNew({ clientId: 'a' });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    sync('a-1', 1, [{ memberId: 'a-1', assignment: Buffer.from('p0-3') }]);

    const b = joinNew({ clientId: 'b' });
    assert.equal(coordinator.group('G1')!.state, GroupState.PreparingRebalance);
    assert.equal(coordinator.heartbeat('G1', 'a-1', null, 1), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(isPending(b), true, 'b waits for a to rejoin');
    const a = join({ clientId: 'a', memberId: 'a-1' });
    assert.equal(a.value?.generationId, 2);
    assert.equal(b.value?.generationId, 2);
    assert.equal(a.value?.leader, 'a-1', 'the first member stays leader');
    assert.equal(a.value?.members.length, 2, 'the leader sees every member');
    assert.equal(b.value?.members.length, 0, 'followers see none');

    const followerSync = sync('b-2', 2);
    assert.equal(isPending(followerSync), true, 'a follower waits for the leader');
    const leaderSync = sync('a-1', 2, [
      { memberId: 'a-1', assignment: Buffer.from('p0,p1') },
      { memberId: 'b-2', assignment: Buffer.from('p2,p3') },
    ]);
    assert.equal(leaderSync.value?.assignment.toString(), 'p0,p1');
    assert.equal(followerSync.value?.assignment.toString(), 'p2,p3');
    assert.equal(coordinator.heartbeat('G1', 'b-2', null, 2), ErrorCode.NONE);
  });

  test('a member that stops heartbeating is removed after its session timeout and the rest rebalance', () => {
    const { coordinator, joinNew, join, sync, advance } = setup();
    joinNew({ clientId: 'a' });
    joinNew({ clientId: 'b' });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    sync('a-1', 1, []);
    sync('b-2', 1, []);
    assert.equal(coordinator.group('G1')!.state, GroupState.Stable);
    // a keeps heartbeating, b has crashed.
    for (let t = 0; t < 10; t++) {
      advance(1_500);
      if (coordinator.group('G1')!.state === GroupState.Stable) {
        assert.equal(coordinator.heartbeat('G1', 'a-1', null, 1), ErrorCode.NONE);
      }
    }
    const group = coordinator.group('G1')!;
    assert.equal(group.members.has('b-2'), false, 'b expired');
    assert.equal(group.state, GroupState.PreparingRebalance);
    const a = join({ clientId: 'a', memberId: 'a-1' });
    assert.equal(a.value?.generationId, 2);
    assert.deepEqual(
      a.value?.members.map((m) => m.memberId),
      ['a-1'],
    );
  });

  test('a clean leave rebalances at once', () => {
    const { coordinator, joinNew, join, advance, sync } = setup();
    joinNew({ clientId: 'a' });
    joinNew({ clientId: 'b' });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    sync('a-1', 1, []);
    const result = coordinator.leave('G1', [{ memberId: 'b-2', groupInstanceId: null }]);
    assert.deepEqual(result.members, [{ memberId: 'b-2', groupInstanceId: null, errorCode: ErrorCode.NONE }]);
    assert.equal(coordinator.group('G1')!.state, GroupState.PreparingRebalance);
    const a = join({ clientId: 'a', memberId: 'a-1' });
    assert.equal(a.value?.generationId, 2, 'no wait for session timeouts');
  });

  test('a member that does not rejoin within the rebalance timeout is dropped from the generation', () => {
    const { coordinator, joinNew, join, advance, sync } = setup();
    joinNew({ clientId: 'a', rebalanceTimeoutMs: 5_000 });
    joinNew({ clientId: 'b', rebalanceTimeoutMs: 5_000 });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    sync('a-1', 1, []);
    sync('b-2', 1, []);
    const c = joinNew({ clientId: 'c', rebalanceTimeoutMs: 5_000 });
    const a = join({ clientId: 'a', memberId: 'a-1', rebalanceTimeoutMs: 5_000 });
    assert.equal(isPending(a), true);
    advance(5_000);
    assert.equal(a.value?.generationId, 2);
    assert.equal(c.value?.generationId, 2);
    assert.equal(coordinator.group('G1')!.members.has('b-2'), false);
  });

  test('errors: unknown member, illegal generation, sync during a rebalance, inconsistent protocols', () => {
    const { coordinator, joinNew, join, advance, sync } = setup();
    joinNew({ clientId: 'a' });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    assert.equal(coordinator.heartbeat('G1', 'nobody', null, 1), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(coordinator.heartbeat('G1', 'a-1', null, 7), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(coordinator.heartbeat('nogroup', 'a-1', null, 1), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(join({ memberId: 'ghost' }).value?.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(join({ protocols: [ROUNDROBIN] }).value?.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(join({ protocolType: 'connect' }).value?.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(join({ sessionTimeoutMs: 10 }).value?.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal(join({ groupId: '' }).value?.errorCode, ErrorCode.INVALID_GROUP_ID);
    joinNew({ clientId: 'b' });
    assert.equal(sync('a-1', 1).value?.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(sync('a-1', 9).value?.errorCode, ErrorCode.ILLEGAL_GENERATION);
  });

  test('protocol selection: each member votes for its first common choice; most votes win', () => {
    const { joinNew, advance } = setup();
    const a = joinNew({ clientId: 'a', protocols: [ROUNDROBIN, RANGE] });
    joinNew({ clientId: 'b', protocols: [RANGE, ROUNDROBIN] });
    joinNew({ clientId: 'c', protocols: [RANGE, ROUNDROBIN] });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    assert.equal(a.value?.protocolName, 'range');
    assert.equal(a.value?.members[0]?.metadata.toString(), 'r', 'the leader gets metadata for the chosen protocol');
  });

  test('static membership: a restarted static member gets a new id without a rebalance; the old id is fenced', () => {
    const { coordinator, join, advance, sync } = setup();
    const a = join({ clientId: 'a', groupInstanceId: 'host-a', requireKnownMemberId: true });
    assert.equal(isPending(a), true, 'static members skip MEMBER_ID_REQUIRED');
    advance(6_000); // the initial delay, twice: members joining during it extend it
    const oldId = a.value!.memberId;
    sync(oldId, 1, [{ memberId: oldId, assignment: Buffer.from('mine') }]);
    const again = join({ clientId: 'a', groupInstanceId: 'host-a' });
    assert.equal(again.value?.errorCode, ErrorCode.NONE);
    assert.equal(again.value?.generationId, 1, 'no rebalance');
    assert.notEqual(again.value?.memberId, oldId);
    assert.equal(coordinator.heartbeat('G1', oldId, 'host-a', 1), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(coordinator.heartbeat('G1', again.value!.memberId, 'host-a', 1), ErrorCode.NONE);
  });

  test('list and delete: only an empty group can be deleted', () => {
    const { coordinator, joinNew, advance } = setup();
    joinNew({ clientId: 'a' });
    advance(6_000); // the initial delay, twice: members joining during it extend it
    assert.deepEqual(coordinator.list([]), [
      { groupId: 'G1', protocolType: 'consumer', groupState: 'CompletingRebalance' },
    ]);
    assert.equal(coordinator.delete('G1'), ErrorCode.NON_EMPTY_GROUP);
    coordinator.leave('G1', [{ memberId: 'a-1', groupInstanceId: null }]);
    assert.equal(coordinator.group('G1')!.state, GroupState.Empty);
    assert.equal(coordinator.delete('G1'), ErrorCode.NONE);
    assert.equal(coordinator.delete('G1'), ErrorCode.GROUP_ID_NOT_FOUND);
  });

  test('nextDeadlineMs tells the shell when tick() has work', () => {
    const { coordinator, clock, joinNew } = setup();
    assert.equal(coordinator.nextDeadlineMs(), undefined);
    joinNew({ clientId: 'a' });
    assert.equal(coordinator.nextDeadlineMs(), clock.monotonicMs() + DEFAULT_GROUP_CONFIG.initialRebalanceDelayMs);
  });

  test('members arriving during the initial delay extend it by another delay, up to the rebalance timeout', () => {
    const { coordinator, joinNew, advance } = setup();
    const a = joinNew({ clientId: 'a' });
    advance(1_000);
    const b = joinNew({ clientId: 'b' });
    advance(2_000);
    assert.equal(isPending(a), true, 'b joined during the first window: a second one starts');
    advance(2_999);
    assert.equal(isPending(a), true);
    advance(1);
    assert.equal(a.value?.generationId, 1, 'one rebalance for both');
    assert.equal(b.value?.generationId, 1);

    // A stream of joins cannot hold the group beyond the first member's rebalance timeout (30 s here).
    const { coordinator: c2, joinNew: join2, advance: advance2 } = setup();
    const first = join2({ clientId: 'first', groupId: 'G1' });
    for (let t = 0; t < 40_000 && isPending(first); t += 1_000) {
      if (t % 2_000 === 0) join2({ clientId: `late-${t}` });
      advance2(1_000);
    }
    assert.equal(first.value?.errorCode, ErrorCode.NONE);
    assert.ok((c2.group('G1')!.members.size ?? 0) > 2);
    assert.ok(coordinator.group('G1')!.generationId === 1);
  });
});
