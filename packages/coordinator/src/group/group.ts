/**
 * One classic consumer group: its members and its state. Pure data with the
 * transitions Kafka allows; the coordinator drives it.
 *
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
 *     ▲                   ▲    │                                      │ leader's SyncGroup
 *     └── last member ────┘    └── no members left ──▶ Empty          ▼
 *         leaves / expires        join, leave, expiry  ◀──────────  Stable
 *   Dead: deleted (DeleteGroups) or unloaded.
 */
import { assert } from '@fluxo/core';

export const GroupState = {
  Empty: 'Empty',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  Stable: 'Stable',
  Dead: 'Dead',
} as const;
export type GroupState = (typeof GroupState)[keyof typeof GroupState];

/** A protocol a member offers (an assignor name and its subscription metadata). */
export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

/** A pending JoinGroup or SyncGroup answer, delivered when the rebalance step completes. */
export type Reply<T> = (response: T) => void;

export interface JoinOutcome {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  skipAssignment: boolean;
  /** Filled only for the leader: every member and its metadata for the chosen protocol. */
  members: { memberId: string; groupInstanceId: string | null; metadata: Buffer }[];
}

export interface SyncOutcome {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface Member {
  readonly memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  assignment: Buffer;
  /** Monotonic ms after which the member is removed unless it heartbeats or joins. */
  sessionDeadlineMs: number;
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  pendingJoin: Reply<JoinOutcome> | undefined;
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  pendingSync: Reply<SyncOutcome> | undefined;
}

export class Group {
  state: GroupState = GroupState.Empty;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out by MEMBER_ID_REQUIRED (KIP-394) that have not joined yet, with their expiry. */
  readonly pendingMembers = new Map<string, number>();
  /** group.instance.id → member id, for static members. */
  readonly staticMembers = new Map<string, string>();
  /** Monotonic ms at which the current PreparingRebalance phase ends regardless of stragglers. */
  rebalanceDeadlineMs = 0;
  /** Monotonic ms before which an initial rebalance of an empty group may not complete. */
  initialDelayUntilMs = 0;
  /** The initial delay is extended at most to this (the first member's rebalance timeout). */
  initialDelayCapMs = 0;
  /** A member joined during the current initial-delay window, so the window is extended once it ends. */
  joinedDuringInitialDelay = false;
  /** Wall-clock ms of the last state change (Kafka's currentStateTimestamp); offsets of an Empty group expire from it. */
  stateTimestampMs = -1;

  constructor(readonly groupId: string) {}

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transition(to: GroupState): void {
    const allowed: Record<GroupState, GroupState[]> = {
      Empty: [GroupState.PreparingRebalance, GroupState.Dead],
      PreparingRebalance: [GroupState.CompletingRebalance, GroupState.Empty, GroupState.Dead],
      CompletingRebalance: [GroupState.Stable, GroupState.PreparingRebalance, GroupState.Dead],
      Stable: [GroupState.PreparingRebalance, GroupState.Dead],
      Dead: [GroupState.Dead],
    };
    assert(allowed[this.state].includes(to), `group ${this.groupId}: illegal transition ${this.state} -> ${to}`);
    this.state = to;
  }

  /** Protocols every member supports, in the first member's preference order. */
  candidateProtocols(): string[] {
    const members = [...this.members.values()];
    if (members.length === 0) return [];
    const common = members[0]!.protocols.map((p) => p.name);
    return common.filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /**
   * Kafka's choice: among protocols all members support, each member votes for
   * the first of them in its own preference order; most votes wins, ties go to
   * the earlier candidate.
   */
  selectProtocol(): string {
    const candidates = this.candidateProtocols();
    assert(candidates.length > 0, `group ${this.groupId}: no common protocol`);
    const votes = new Map<string, number>(candidates.map((c) => [c, 0]));
    for (const member of this.members.values()) {
      const choice = member.protocols.find((p) => votes.has(p.name))!.name;
      votes.set(choice, votes.get(choice)! + 1);
    }
    let best = candidates[0]!;
    for (const c of candidates) if (votes.get(c)! > votes.get(best)!) best = c;
    return best;
  }

  /**
   * True when a member offering `protocols` could join without breaking the
   * common protocol. The first member must name a protocol type and at least
   * one protocol, as in Kafka (INCONSISTENT_GROUP_PROTOCOL otherwise).
   */
  supportsProtocols(protocolType: string, protocols: MemberProtocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0;
    if (this.protocolType !== null && this.protocolType !== protocolType) return false;
    const candidates = new Set(this.candidateProtocols());
    return protocols.some((p) => candidates.has(p.name));
  }

  metadataFor(member: Member, protocol: string): Buffer {
    return member.protocols.find((p) => p.name === protocol)?.metadata ?? Buffer.alloc(0);
  }

  /** The longest rebalance timeout among members bounds how long a rebalance waits for stragglers. */
  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** Members whose JoinGroup waits for the rebalance to complete. */
  awaitingJoinCount(): number {
    let count = 0;
    for (const m of this.members.values()) if (m.pendingJoin !== undefined) count++;
    return count;
  }

  allMembersJoined(): boolean {
    for (const m of this.members.values()) if (m.pendingJoin === undefined) return false;
    return this.pendingMembers.size === 0;
  }
}
