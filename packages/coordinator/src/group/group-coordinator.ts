/**
 * The classic group coordinator (JoinGroup/SyncGroup/Heartbeat/LeaveGroup) as a
 * deterministic state machine: no sockets, no timers, no wall clock. Delayed
 * answers are delivered through the `reply` callbacks passed in; time moves
 * only when the shell calls `tick()` (it can arm one timer at `nextDeadlineMs()`).
 * Semantics follow Apache Kafka's classic protocol, including KIP-394 (member id
 * required on first join), KIP-345 (static membership) and the initial rebalance delay.
 */
import type { Clock } from '@fluxo/core';
import { ErrorCode } from '@fluxo/protocol';
import {
  Group,
  GroupState,
  type JoinOutcome,
  type Member,
  type MemberProtocol,
  type Reply,
  type SyncOutcome,
} from './group.js';

export interface GroupCoordinatorConfig {
  /** group.min.session.timeout.ms */
  minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  maxSessionTimeoutMs: number;
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.max.size */
  maxSize: number;
}

export const DEFAULT_GROUP_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6_000,
  maxSessionTimeoutMs: 1_800_000,
  initialRebalanceDelayMs: 3_000,
  maxSize: 2_147_483_647,
};

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: MemberProtocol[];
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: a member without an id first gets MEMBER_ID_REQUIRED and an id (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface SyncRequest {
  groupId: string;
  memberId: string;
  generationId: number;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface GroupHooks {
  /** Called after every completed rebalance or membership change worth persisting (GroupMetadata record). */
  onGroupChanged?(group: Group): void;
  /** Makes member ids; injected so tests and simulations are deterministic. */
  newMemberId(clientId: string): string;
}

const EMPTY = Buffer.alloc(0);

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly clock: Clock,
    private readonly hooks: GroupHooks,
    private readonly config: GroupCoordinatorConfig = DEFAULT_GROUP_CONFIG,
  ) {}

  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  allGroups(): Group[] {
    return [...this.groups.values()];
  }

  private now(): number {
    return this.clock.monotonicMs();
  }

  private moveTo(group: Group, state: GroupState): void {
    group.transition(state);
    group.stateTimestampMs = this.clock.nowMs();
  }

  // ---- JoinGroup -------------------------------------------------------------

  join(req: JoinRequest, reply: Reply<JoinOutcome>): void {
    const fail = (errorCode: number, memberId = req.memberId) => reply(joinError(errorCode, memberId));
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (
      req.sessionTimeoutMs < this.config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.config.maxSessionTimeoutMs
    ) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    let group = this.groups.get(req.groupId);
    if (group === undefined) {
      if (req.memberId !== '') return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (group.is(GroupState.Dead)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    if (req.memberId === '') this.joinUnknownMember(group, req, reply);
    else this.joinKnownMember(group, req, reply);
  }

  private joinUnknownMember(group: Group, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    if (req.groupInstanceId !== null) {
      const existing = group.staticMembers.get(req.groupInstanceId);
      if (existing !== undefined && group.members.has(existing)) {
        this.replaceStaticMember(group, existing, req, reply);
        return;
      }
    }
    if (group.members.size + group.pendingMembers.size >= this.config.maxSize) {
      reply(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
      return;
    }
    const memberId = this.hooks.newMemberId(req.clientId);
    if (req.requireKnownMemberId && req.groupInstanceId === null) {
      // KIP-394: hand out the id and wait for the member to come back with it.
      group.pendingMembers.set(memberId, this.now() + req.sessionTimeoutMs);
      reply(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      return;
    }
    this.addMemberAndRebalance(group, memberId, req, reply);
  }

  private joinKnownMember(group: Group, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    if (group.pendingMembers.has(req.memberId)) {
      group.pendingMembers.delete(req.memberId);
      this.addMemberAndRebalance(group, req.memberId, req, reply);
      return;
    }
    if (this.isFenced(group, req.memberId, req.groupInstanceId)) {
      return reply(joinError(ErrorCode.FENCED_INSTANCE_ID, req.memberId));
    }
    const member = group.members.get(req.memberId);
    if (member === undefined) return reply(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    const sameMetadata = sameProtocols(member.protocols, req.protocols);
    switch (group.state) {
      case GroupState.PreparingRebalance:
        this.updateMember(member, req, reply);
        this.tryCompleteJoin(group);
        return;
      case GroupState.CompletingRebalance:
        if (sameMetadata) {
          // The member lost its JoinGroup answer: give it again.
          reply(this.joinAnswer(group, member));
          return;
        }
        this.updateMember(member, req, reply);
        this.prepareRebalance(group);
        return;
      case GroupState.Stable:
        if (member.memberId === group.leaderId || !sameMetadata) {
          this.updateMember(member, req, reply);
          this.prepareRebalance(group);
        } else {
          reply(this.joinAnswer(group, member));
        }
        return;
      default:
        reply(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    }
  }

  /** KIP-345: a static member rejoining without its member id gets a new one; the old one is fenced. */
  private replaceStaticMember(group: Group, oldId: string, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    const old = group.members.get(oldId)!;
    const newId = this.hooks.newMemberId(req.clientId);
    old.pendingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.pendingSync?.({
      errorCode: ErrorCode.FENCED_INSTANCE_ID,
      protocolType: null,
      protocolName: null,
      assignment: EMPTY,
    });
    group.members.delete(oldId);
    const member: Member = { ...old, memberId: newId, pendingJoin: undefined, pendingSync: undefined };
    group.members.set(newId, member);
    group.staticMembers.set(req.groupInstanceId!, newId);
    if (group.leaderId === oldId) group.leaderId = newId;
    if (group.is(GroupState.Stable) && sameProtocols(old.protocols, req.protocols)) {
      member.sessionDeadlineMs = this.now() + member.sessionTimeoutMs;
      this.hooks.onGroupChanged?.(group);
      reply(this.joinAnswer(group, member));
      return;
    }
    this.updateMember(member, req, reply);
    this.prepareRebalance(group);
  }

  private addMemberAndRebalance(group: Group, memberId: string, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
      assignment: EMPTY,
      sessionDeadlineMs: this.now() + req.sessionTimeoutMs,
      pendingJoin: reply,
      pendingSync: undefined,
    };
    if (group.members.size === 0) {
      group.protocolType = req.protocolType;
      // A new group waits group.initial.rebalance.delay.ms so a fleet starting together rebalances once.
      if (group.is(GroupState.Empty)) {
        group.initialDelayUntilMs = this.now() + this.config.initialRebalanceDelayMs;
        group.initialDelayCapMs = this.now() + Math.max(req.rebalanceTimeoutMs, this.config.initialRebalanceDelayMs);
        group.joinedDuringInitialDelay = false;
      }
    } else if (this.now() < group.initialDelayUntilMs) {
      group.joinedDuringInitialDelay = true;
    }
    group.members.set(memberId, member);
    if (req.groupInstanceId !== null) group.staticMembers.set(req.groupInstanceId, memberId);
    if (group.leaderId === null) group.leaderId = memberId;
    this.prepareRebalance(group);
  }

  private updateMember(member: Member, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = req.clientId;
    member.clientHost = req.clientHost;
    member.pendingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.pendingJoin = reply;
  }

  private prepareRebalance(group: Group): void {
    if (group.is(GroupState.CompletingRebalance)) {
      // Assignments of the aborted generation are void; waiting syncs must rejoin.
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        m.pendingSync?.({
          errorCode: ErrorCode.REBALANCE_IN_PROGRESS,
          protocolType: null,
          protocolName: null,
          assignment: EMPTY,
        });
        m.pendingSync = undefined;
      }
    }
    if (!group.is(GroupState.PreparingRebalance)) {
      this.moveTo(group, GroupState.PreparingRebalance);
      group.rebalanceDeadlineMs = this.now() + group.maxRebalanceTimeoutMs();
    }
    this.tryCompleteJoin(group);
  }

  private tryCompleteJoin(group: Group): void {
    if (!group.is(GroupState.PreparingRebalance)) return;
    const now = this.now();
    if (now < group.initialDelayUntilMs) return;
    if (group.joinedDuringInitialDelay) {
      // As Kafka: members still arriving extend the wait by another delay, up to the rebalance timeout.
      group.joinedDuringInitialDelay = false;
      const extended = Math.min(
        group.initialDelayUntilMs + this.config.initialRebalanceDelayMs,
        group.initialDelayCapMs,
      );
      if (extended > now) {
        group.initialDelayUntilMs = extended;
        return;
      }
    }
    if (!group.allMembersJoined() && now < group.rebalanceDeadlineMs) return;
    this.completeJoin(group);
  }

  private completeJoin(group: Group): void {
    group.pendingMembers.clear();
    for (const m of [...group.members.values()]) if (m.pendingJoin === undefined) this.removeMember(group, m);
    group.generationId += 1;
    if (group.members.size === 0) {
      // protocolType stays, as in Kafka: it marks an empty consumer group (offsets expire from when it emptied).
      group.protocolName = null;
      this.moveTo(group, GroupState.Empty);
      this.hooks.onGroupChanged?.(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId))
      group.leaderId = group.members.keys().next().value!;
    this.moveTo(group, GroupState.CompletingRebalance);
    const now = this.now();
    for (const m of group.members.values()) {
      const reply = m.pendingJoin!;
      m.pendingJoin = undefined;
      m.sessionDeadlineMs = now + m.sessionTimeoutMs;
      reply(this.joinAnswer(group, m));
    }
  }

  private joinAnswer(group: Group, member: Member): JoinOutcome {
    const isLeader = member.memberId === group.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      skipAssignment: false,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: group.metadataFor(m, group.protocolName!),
          }))
        : [],
    };
  }

  // ---- SyncGroup -------------------------------------------------------------

  sync(req: SyncRequest, reply: Reply<SyncOutcome>): void {
    const fail = (errorCode: number) => reply({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    const group = this.groups.get(req.groupId);
    if (group === undefined || group.is(GroupState.Dead)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (this.isFenced(group, req.memberId, req.groupInstanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
    const member = group.members.get(req.memberId);
    if (member === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    ) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    member.sessionDeadlineMs = this.now() + member.sessionTimeoutMs;
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case GroupState.CompletingRebalance:
        member.pendingSync = reply;
        if (member.memberId === group.leaderId) this.completeSync(group, req.assignments);
        return;
      case GroupState.Stable:
        return reply(this.syncAnswer(group, member));
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private completeSync(group: Group, assignments: SyncRequest['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
    this.moveTo(group, GroupState.Stable);
    this.hooks.onGroupChanged?.(group);
    for (const m of group.members.values()) {
      const reply = m.pendingSync;
      m.pendingSync = undefined;
      reply?.(this.syncAnswer(group, m));
    }
  }

  private syncAnswer(group: Group, member: Member): SyncOutcome {
    return {
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    };
  }

  // ---- Heartbeat and LeaveGroup -----------------------------------------------

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is(GroupState.Dead)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (this.isFenced(group, memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
    const member = group.members.get(memberId);
    if (member === undefined || group.is(GroupState.Empty)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.sessionDeadlineMs = this.now() + member.sessionTimeoutMs;
    // A member still in the old generation learns of the rebalance from its heartbeat and rejoins.
    return group.is(GroupState.PreparingRebalance) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(groupId: string, leaving: { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is(GroupState.Dead))
      return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    const results: LeaveResult['members'] = [];
    let removed = false;
    for (const who of leaving) {
      const memberId =
        who.groupInstanceId !== null && who.memberId === ''
          ? (group.staticMembers.get(who.groupInstanceId) ?? '')
          : who.memberId;
      const member = group.members.get(memberId);
      let errorCode: number = ErrorCode.NONE;
      if (group.pendingMembers.delete(memberId)) {
        removed = true;
      } else if (this.isFenced(group, memberId, who.groupInstanceId)) {
        errorCode = ErrorCode.FENCED_INSTANCE_ID;
      } else if (member === undefined) {
        errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
      } else {
        this.removeMember(group, member);
        removed = true;
      }
      results.push({ memberId: who.memberId, groupInstanceId: who.groupInstanceId, errorCode });
    }
    if (removed) this.membershipChanged(group);
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private removeMember(group: Group, member: Member): void {
    member.pendingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.pendingSync?.({
      errorCode: ErrorCode.UNKNOWN_MEMBER_ID,
      protocolType: null,
      protocolName: null,
      assignment: EMPTY,
    });
    group.members.delete(member.memberId);
    if (member.groupInstanceId !== null && group.staticMembers.get(member.groupInstanceId) === member.memberId) {
      group.staticMembers.delete(member.groupInstanceId);
    }
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
  }

  /** After members left or expired: rebalance what remains, or finish the one in progress. */
  private membershipChanged(group: Group): void {
    if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) this.prepareRebalance(group);
    else if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
  }

  private isFenced(group: Group, memberId: string, groupInstanceId: string | null): boolean {
    if (groupInstanceId === null) return false;
    const current = group.staticMembers.get(groupInstanceId);
    return current !== undefined && current !== memberId;
  }

  // ---- Offset commits ------------------------------------------------------------

  /**
   * Kafka's rule for who may commit a classic group's offsets. A commit without
   * a generation (admin tools, consumers using assign()) is allowed while the
   * group has no members, and creates the group if it does not exist; a
   * member's commit must carry the current generation. Returns an error code.
   */
  validateOffsetCommit(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
  ): number {
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    let group = this.groups.get(groupId);
    if (group === undefined) {
      // A generation for a group we do not know: the group expired or was deleted; the member must rejoin.
      if (generationId >= 0) return ErrorCode.ILLEGAL_GENERATION;
      group = this.ensureGroup(groupId);
    }
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      if (this.isFenced(group, memberId, groupInstanceId)) return ErrorCode.FENCED_INSTANCE_ID;
      const member = group.members.get(memberId);
      if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
      // A member's commit proves it alive, as a heartbeat does.
      member.sessionDeadlineMs = this.now() + member.sessionTimeoutMs;
      return ErrorCode.NONE;
    }
    return group.is(GroupState.Empty) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /** The group, created Empty if new (offsets committed without membership, or loaded from the log). */
  ensureGroup(groupId: string): Group {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new Group(groupId);
      group.stateTimestampMs = this.clock.nowMs();
      this.groups.set(groupId, group);
    }
    return group;
  }

  /**
   * Installs a group loaded from `__consumer_offsets` (replacing any with its
   * id). Members restored with it must heartbeat within their session timeout.
   */
  restore(group: Group): void {
    const now = this.now();
    for (const m of group.members.values()) m.sessionDeadlineMs = now + m.sessionTimeoutMs;
    this.groups.set(group.groupId, group);
  }

  /** Forgets a loaded group whose metadata record was a tombstone. */
  forget(groupId: string): void {
    this.groups.delete(groupId);
  }

  /** Shutdown: answers every waiting JoinGroup and SyncGroup with `errorCode` (NOT_COORDINATOR). */
  unloadAll(errorCode: number): void {
    for (const group of this.groups.values()) {
      for (const m of group.members.values()) {
        m.pendingJoin?.(joinError(errorCode, m.memberId));
        m.pendingJoin = undefined;
        m.pendingSync?.({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
        m.pendingSync = undefined;
      }
    }
  }

  // ---- Time --------------------------------------------------------------------

  /** Expires sessions and pending members, and completes rebalances whose wait is over. */
  tick(): void {
    const now = this.now();
    for (const group of this.groups.values()) {
      let changed = false;
      for (const [memberId, deadline] of group.pendingMembers) {
        if (now >= deadline) {
          group.pendingMembers.delete(memberId);
          changed = true;
        }
      }
      for (const m of [...group.members.values()]) {
        // A member waiting for its JoinGroup or SyncGroup answer is alive by definition.
        if (m.pendingJoin === undefined && m.pendingSync === undefined && now >= m.sessionDeadlineMs) {
          this.removeMember(group, m);
          changed = true;
        }
      }
      if (changed) this.membershipChanged(group);
      this.tryCompleteJoin(group);
    }
  }

  /** The earliest monotonic time at which `tick()` has something to do, if any. */
  nextDeadlineMs(): number | undefined {
    let next: number | undefined;
    const consider = (t: number) => {
      if (next === undefined || t < next) next = t;
    };
    for (const group of this.groups.values()) {
      for (const deadline of group.pendingMembers.values()) consider(deadline);
      for (const m of group.members.values()) {
        if (m.pendingJoin === undefined && m.pendingSync === undefined) consider(m.sessionDeadlineMs);
      }
      if (group.is(GroupState.PreparingRebalance)) {
        const waitFor = group.allMembersJoined() ? 0 : group.rebalanceDeadlineMs;
        consider(Math.max(group.initialDelayUntilMs, waitFor));
      }
    }
    return next;
  }

  // ---- Admin ---------------------------------------------------------------------

  list(statesFilter: string[]): { groupId: string; protocolType: string; groupState: string }[] {
    return this.allGroups()
      .filter((g) => !g.is(GroupState.Dead))
      .filter((g) => statesFilter.length === 0 || statesFilter.some((s) => s.toLowerCase() === g.state.toLowerCase()))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }));
  }

  /** DeleteGroups: only an empty group may go (NON_EMPTY_GROUP otherwise). */
  delete(groupId: string): number {
    const group = this.groups.get(groupId);
    if (group === undefined || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty)) return ErrorCode.NON_EMPTY_GROUP;
    this.moveTo(group, GroupState.Dead);
    this.groups.delete(groupId);
    this.hooks.onGroupChanged?.(group);
    return ErrorCode.NONE;
  }
}

function joinError(errorCode: number, memberId: string): JoinOutcome {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    skipAssignment: false,
    members: [],
  };
}

function sameProtocols(a: MemberProtocol[], b: MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
