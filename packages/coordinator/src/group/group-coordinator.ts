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
import { acceptJoiningMember, validateMember } from './membership-rules.js';

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
  /** JoinGroup v9+: a static leader rejoining a Stable group may be told to skip the assignment (KIP-814). */
  supportsSkipAssignment?: boolean;
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
  /**
   * Writes the group's GroupMetadata record (a tombstone once Dead) after a
   * completed rebalance or a membership change worth keeping. Returns the
   * Kafka error code to give the members when the write failed (already mapped
   * as Kafka maps append errors), NONE when it is in the log.
   */
  persistGroup?(group: Group): number;
  /** Makes member ids; injected so tests and simulations are deterministic. */
  newMemberId(clientId: string): string;
}

const EMPTY = Buffer.alloc(0);
/** OffsetCommit v9 (KIP-848) answers GROUP_ID_NOT_FOUND where older versions said ILLEGAL_GENERATION. */
const FIRST_GROUP_ID_NOT_FOUND_COMMIT_VERSION = 9;

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

  private persist(group: Group): number {
    return this.hooks.persistGroup?.(group) ?? ErrorCode.NONE;
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
      group = this.ensureGroup(req.groupId);
    }
    if (!acceptJoiningMember(group, req.memberId, this.config.maxSize)) {
      // As Kafka: a member turned away is out of the group (pending or not), so the rebalance need not wait for it.
      group.pendingMembers.delete(req.memberId);
      const member = group.members.get(req.memberId);
      if (member !== undefined) this.removeMember(group, member);
      fail(ErrorCode.GROUP_MAX_SIZE_REACHED, '');
      this.tryCompleteJoin(group);
      return;
    }
    if (group.is(GroupState.Dead)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!group.supportsProtocols(req.protocolType, req.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);

    if (req.memberId === '') this.joinUnknownMember(group, req, reply);
    else this.joinKnownMember(group, req, reply);
  }

  private joinUnknownMember(group: Group, req: JoinRequest, reply: Reply<JoinOutcome>): void {
    const memberId = this.hooks.newMemberId(req.clientId);
    if (req.groupInstanceId !== null) {
      const existing = group.staticMembers.get(req.groupInstanceId);
      if (existing !== undefined) this.replaceStaticMember(group, existing, memberId, req, reply);
      else this.addMemberAndRebalance(group, memberId, req, reply);
      return;
    }
    if (req.requireKnownMemberId) {
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
      // Ids handed out by MEMBER_ID_REQUIRED are dynamic: a static member never gets one.
      if (req.groupInstanceId !== null) return reply(joinError(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
      this.addMemberAndRebalance(group, req.memberId, req, reply);
      return;
    }
    const error = validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return reply(joinError(error, req.memberId));
    const member = group.members.get(req.memberId)!;
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

  /**
   * KIP-345: a static member rejoining without its member id takes over its
   * instance's place under a new id; the old id is fenced. In a Stable group
   * whose chosen protocol stays the same there is no rebalance: the change is
   * written and the member resumes with its old assignment (Kafka's
   * updateStaticMemberThenRebalanceOrCompleteJoin).
   */
  private replaceStaticMember(
    group: Group,
    oldId: string,
    newId: string,
    req: JoinRequest,
    reply: Reply<JoinOutcome>,
  ): void {
    const old = group.members.get(oldId)!;
    const leaderBefore = group.leaderId;
    old.pendingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.pendingJoin = undefined;
    old.pendingSync?.(syncError(ErrorCode.FENCED_INSTANCE_ID));
    old.pendingSync = undefined;
    group.members.delete(oldId);
    const member: Member = {
      ...old,
      memberId: newId,
      protocols: req.protocols,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionDeadlineMs: this.now() + req.sessionTimeoutMs,
    };
    group.members.set(newId, member);
    group.staticMembers.set(req.groupInstanceId!, newId);
    if (leaderBefore === oldId) group.leaderId = newId;

    if (group.is(GroupState.Stable) && group.selectProtocol() === group.protocolName) {
      const error = this.persist(group);
      if (error !== ErrorCode.NONE) {
        // Not written: as Kafka, go back to the old member id and tell the newcomer why.
        group.members.delete(newId);
        group.members.set(oldId, old);
        group.staticMembers.set(req.groupInstanceId!, oldId);
        group.leaderId = leaderBefore;
        reply({
          ...joinError(error, ''),
          generationId: group.generationId,
          protocolType: group.protocolType,
          protocolName: group.protocolName,
          leader: leaderBefore ?? '',
        });
        return;
      }
      reply(this.staticRejoinAnswer(group, member, leaderBefore, req.supportsSkipAssignment === true));
      return;
    }
    member.pendingJoin = reply;
    if (group.is(GroupState.PreparingRebalance)) this.tryCompleteJoin(group);
    // In CompletingRebalance the leader may already be assigning to the old id: start over.
    else this.prepareRebalance(group);
  }

  /**
   * The answer to a static member that took over its place in a Stable group.
   * KIP-814 (v9+): a leader is sent the members with skipAssignment, so it
   * learns it leads without reassigning. Before v9 the answer names the
   * previous leader id, so the rejoined member does not think it must assign.
   */
  private staticRejoinAnswer(
    group: Group,
    member: Member,
    leaderBefore: string | null,
    supportsSkipAssignment: boolean,
  ): JoinOutcome {
    const answer = this.joinAnswer(group, member);
    if (supportsSkipAssignment) return { ...answer, skipAssignment: member.memberId === group.leaderId };
    return { ...answer, leader: leaderBefore ?? '', members: [] };
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
        m.pendingSync?.(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
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
    // Dynamic members that did not rejoin are out. Static members stay (Kafka): a restarting
    // instance keeps its place until its session expires.
    for (const m of [...group.members.values()]) {
      if (m.pendingJoin === undefined && m.groupInstanceId === null) this.removeMember(group, m);
    }
    if (group.members.size > 0 && !this.electJoinedLeader(group)) {
      // Only static members that have not rejoined are left: wait again; their sessions decide.
      group.rebalanceDeadlineMs = this.now() + group.maxRebalanceTimeoutMs();
      return;
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      // protocolType stays, as in Kafka: it marks an empty consumer group (offsets expire from when it emptied).
      group.protocolName = null;
      this.moveTo(group, GroupState.Empty);
      // A failed write only matters after a restart, when the previous generation comes back and expires.
      this.persist(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    this.moveTo(group, GroupState.CompletingRebalance);
    const now = this.now();
    for (const m of group.members.values()) {
      const reply = m.pendingJoin;
      m.pendingJoin = undefined;
      m.sessionDeadlineMs = now + m.sessionTimeoutMs;
      reply?.(this.joinAnswer(group, m));
    }
  }

  /** Kafka's maybeElectNewJoinedLeader: the leader must be a member that rejoined. False when none did. */
  private electJoinedLeader(group: Group): boolean {
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId);
    if (leader?.pendingJoin !== undefined) return true;
    for (const m of group.members.values()) {
      if (m.pendingJoin !== undefined) {
        group.leaderId = m.memberId;
        return true;
      }
    }
    return false;
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
    const fail = (errorCode: number) => reply(syncError(errorCode));
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const group = this.groups.get(req.groupId);
    if (group === undefined) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (group.is(GroupState.Dead)) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const error = validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return fail(error);
    const member = group.members.get(req.memberId)!;
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
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

  /**
   * The leader's assignment: written to `__consumer_offsets` before anyone is
   * answered. If the write fails, the members waiting are told the mapped error
   * with an empty assignment and the group rebalances (Kafka's
   * resetAndPropagateAssignmentWithError), so no one works from an assignment
   * a restart would lose.
   */
  private completeSync(group: Group, assignments: SyncRequest['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY;
    const error = this.persist(group);
    if (error !== ErrorCode.NONE) {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        const reply = m.pendingSync;
        m.pendingSync = undefined;
        reply?.({ ...this.syncAnswer(group, m), errorCode: error });
      }
      this.prepareRebalance(group);
      return;
    }
    this.moveTo(group, GroupState.Stable);
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
    if (groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(groupId);
    if (group === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const error = validateMember(group, memberId, groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (group.is(GroupState.Empty)) return ErrorCode.UNKNOWN_MEMBER_ID;
    const member = group.members.get(memberId)!;
    member.sessionDeadlineMs = this.now() + member.sessionTimeoutMs;
    // A member still in the old generation learns of the rebalance from its heartbeat and rejoins.
    return group.is(GroupState.PreparingRebalance) ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /**
   * LeaveGroup for one member (v0-2) or a batch (v3+). A member named only by
   * its group.instance.id (admin removal) leaves by that; each gets its own
   * error and the request as a whole succeeds. A pending member (KIP-394)
   * leaving changes no generation, so it does not rebalance.
   */
  leave(groupId: string, leaving: { memberId: string; groupInstanceId: string | null }[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    if (group === undefined) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: [] };
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results: LeaveResult['members'] = [];
    let removed = false;
    for (const who of leaving) {
      let errorCode: number = ErrorCode.NONE;
      if (who.memberId === '') {
        const memberId = who.groupInstanceId === null ? undefined : group.staticMembers.get(who.groupInstanceId);
        if (memberId === undefined) errorCode = ErrorCode.UNKNOWN_MEMBER_ID;
        else {
          this.removeMember(group, group.members.get(memberId)!);
          removed = true;
        }
      } else if (group.pendingMembers.delete(who.memberId)) {
        this.tryCompleteJoin(group);
      } else {
        errorCode = validateMember(group, who.memberId, who.groupInstanceId);
        if (errorCode === ErrorCode.NONE) {
          this.removeMember(group, group.members.get(who.memberId)!);
          removed = true;
        }
      }
      results.push({ memberId: who.memberId, groupInstanceId: who.groupInstanceId, errorCode });
    }
    if (removed) this.membershipChanged(group);
    return { errorCode: ErrorCode.NONE, members: results };
  }

  private removeMember(group: Group, member: Member): void {
    member.pendingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.pendingJoin = undefined;
    member.pendingSync?.(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    member.pendingSync = undefined;
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

  // ---- Offset commits ------------------------------------------------------------

  /**
   * Kafka's rule for who may commit a classic group's offsets. A commit without
   * a generation (admin tools, consumers using assign()) is allowed while the
   * group has no members, and creates the group if it does not exist; a
   * member's commit must carry the current generation. A generation for a
   * group that does not exist (it expired or was deleted) is GROUP_ID_NOT_FOUND
   * from OffsetCommit v9, ILLEGAL_GENERATION before. The empty group id is
   * allowed here, as Kafka allows it for backward compatibility. Returns an
   * error code.
   */
  validateOffsetCommit(
    groupId: string,
    memberId: string,
    groupInstanceId: string | null,
    generationId: number,
    requestVersion: number,
  ): number {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      if (generationId >= 0) {
        return requestVersion >= FIRST_GROUP_ID_NOT_FOUND_COMMIT_VERSION
          ? ErrorCode.GROUP_ID_NOT_FOUND
          : ErrorCode.ILLEGAL_GENERATION;
      }
      group = this.ensureGroup(groupId);
    }
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generationId < 0 && group.is(GroupState.Empty)) return ErrorCode.NONE;
    if (generationId >= 0 || memberId !== '' || groupInstanceId !== null) {
      const error = validateMember(group, memberId, groupInstanceId);
      if (error !== ErrorCode.NONE) return error;
      if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
      if (group.is(GroupState.CompletingRebalance)) return ErrorCode.REBALANCE_IN_PROGRESS;
      // A member's commit proves it alive, as a heartbeat does.
      const member = group.members.get(memberId)!;
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
   * A group loaded with more members than group.max.size (the limit was
   * lowered) rebalances at once, so the members beyond it are turned away.
   */
  restore(group: Group): void {
    const now = this.now();
    for (const m of group.members.values()) m.sessionDeadlineMs = now + m.sessionTimeoutMs;
    this.groups.set(group.groupId, group);
    if (group.members.size > this.config.maxSize) this.prepareRebalance(group);
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
        m.pendingSync?.(syncError(errorCode));
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
      // An id handed out by MEMBER_ID_REQUIRED and never used expires without a rebalance (no member left).
      for (const [memberId, deadline] of group.pendingMembers) {
        if (now >= deadline) group.pendingMembers.delete(memberId);
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
    this.persist(group);
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

function syncError(errorCode: number): SyncOutcome {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

/** SyncGroup v5+ names the protocol type and name; a mismatch only counts when both sides know one. */
function inconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}

function sameProtocols(a: MemberProtocol[], b: MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
