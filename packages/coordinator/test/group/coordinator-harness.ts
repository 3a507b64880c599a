/**
 * A coordinator on a manual clock for rule-by-rule tests: deterministic member
 * ids (`<clientId>-<n>`), replies captured in boxes, and a GroupMetadata
 * write whose result a test can set (to make `__consumer_offsets` fail).
 */
import assert from 'node:assert/strict';
import { ManualClock } from '@fluxo/core';
import { ErrorCode } from '@fluxo/protocol';
import {
  DEFAULT_GROUP_CONFIG,
  GroupCoordinator,
  type GroupCoordinatorConfig,
  type JoinOutcome,
  type JoinRequest,
  type SyncOutcome,
  type SyncRequest,
} from '../../src/index.js';

export const RANGE = { name: 'range', metadata: Buffer.from('r') };
export const ROUNDROBIN = { name: 'roundrobin', metadata: Buffer.from('rr') };

/** A delayed answer: `value` stays undefined until the coordinator replies. */
export interface Box<T> {
  value?: T;
}

/** True while a delayed answer has not arrived (not an assertion, so TypeScript does not narrow). */
export const isPending = (box: Box<unknown>): boolean => box.value === undefined;

export function harness(config: Partial<GroupCoordinatorConfig> = {}) {
  const clock = new ManualClock();
  let next = 0;
  const writes: string[] = [];
  const writeError = { code: ErrorCode.NONE as number };
  const coordinator = new GroupCoordinator(
    clock,
    {
      newMemberId: (clientId) => `${clientId}-${++next}`,
      persistGroup: (g) => {
        writes.push(`${g.groupId}:${g.generationId}`);
        return writeError.code;
      },
    },
    { ...DEFAULT_GROUP_CONFIG, ...config },
  );
  const join = (over: Partial<JoinRequest> = {}): Box<JoinOutcome> => {
    const box: Box<JoinOutcome> = {};
    coordinator.join(
      {
        groupId: 'G1',
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [RANGE],
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 5_000,
        clientId: 'c',
        clientHost: '/127.0.0.1',
        requireKnownMemberId: true,
        supportsSkipAssignment: true,
        ...over,
      },
      (r) => {
        box.value = r;
      },
    );
    return box;
  };
  /** KIP-394 two-step join of a dynamic member. */
  const joinNew = (over: Partial<JoinRequest> = {}): Box<JoinOutcome> => {
    const first = join(over);
    assert.equal(first.value?.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    return join({ ...over, memberId: first.value!.memberId });
  };
  const sync = (over: Partial<SyncRequest> & { memberId: string; generationId: number }): Box<SyncOutcome> => {
    const box: Box<SyncOutcome> = {};
    coordinator.sync(
      {
        groupId: 'G1',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments: [],
        ...over,
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
  const group = () => coordinator.group('G1')!;
  /**
   * A Stable G1: dynamic leader a-1, static member b-2 (instance "host-b"),
   * generation 1, assignments "A" and "B".
   */
  const stable = () => {
    const a = joinNew({ clientId: 'a' });
    const b = join({ clientId: 'b', groupInstanceId: 'host-b' });
    advance(6_000); // the initial delay, extended once because b joined during it
    assert.equal(a.value?.generationId, 1);
    assert.equal(b.value?.generationId, 1);
    const bSync = sync({ memberId: 'b-2', generationId: 1, groupInstanceId: 'host-b' });
    sync({
      memberId: 'a-1',
      generationId: 1,
      assignments: [
        { memberId: 'a-1', assignment: Buffer.from('A') },
        { memberId: 'b-2', assignment: Buffer.from('B') },
      ],
    });
    assert.equal(bSync.value?.assignment.toString(), 'B');
    assert.equal(group().state, 'Stable');
  };
  return { clock, coordinator, join, joinNew, sync, advance, group, stable, writes, writeError };
}
