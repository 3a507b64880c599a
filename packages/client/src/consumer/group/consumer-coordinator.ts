import {
  ErrorCode,
  HeartbeatRequest,
  isKafkaError,
  JoinGroupRequest,
  type JoinGroupResponse,
  LeaveGroupRequest,
  SyncGroupRequest,
} from '@fluxo/protocol';
import { sleep } from '../../cluster/backoff.js';
import type { Cluster } from '../../cluster/cluster.js';
import {
  CoordinatorKeyType,
  type CoordinatorAddress,
  findCoordinator,
  isCoordinatorError,
} from '../../cluster/find-coordinator.js';
import { type FetchedOffset, offsetCommit, offsetFetch } from '../../cluster/group-offsets.js';
import { Apis } from '../../connection/apis.js';
import type { Connection } from '../../connection/connection.js';
import { ClientClosedError, CommitFailedError, kafkaError } from '../../errors.js';
import type { GroupMember, PartitionAssignor } from '../assignors/assignor.js';
import type { ResolvedConsumerConfig } from '../consumer-config.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../consumer-protocol.js';
import { type TopicPartition, tpKey } from '../consumer-record.js';
import type { OffsetAndMetadata } from '../group-types.js';

/** What the coordinator asks of the consumer when the assignment changes (the consumer calls the user's listener). */
export interface AssignmentHooks {
  revoke(partitions: TopicPartition[]): Promise<void>;
  assign(partitions: TopicPartition[]): Promise<void>;
  lose(partitions: TopicPartition[]): Promise<void>;
}

type MemberState = 'unjoined' | 'rebalancing' | 'stable';

/** JoinGroup v4+ answers MEMBER_ID_REQUIRED to a new dynamic member (KIP-394); it rejoins with the given id. */
const PROTOCOL_TYPE = 'consumer';
/** LeaveGroup v3 names members in a list (KIP-345). */
const LEAVE_BATCH_VERSION = 3;
/** Java's margin over the rebalance timeout for a JoinGroup's request timeout. */
const JOIN_EXTRA_TIMEOUT_MS = 5000;

/**
 * The classic group protocol for one consumer (Kafka's ConsumerCoordinator):
 * find the coordinator, JoinGroup / SyncGroup (running the assignor when this
 * member is the leader), heartbeats in the background, LeaveGroup, commits and
 * committed offsets. Rebalances run inside poll(), as in Kafka, so listener
 * callbacks run on the caller's turn.
 */
export class ConsumerCoordinator {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  private state: MemberState = 'unjoined';
  private rejoinNeeded = true;
  /** The membership was lost (fenced, expired, poll timeout): the next rebalance reports the partitions lost, not revoked. */
  private lost = false;
  private joinPrepared = false;
  private coordinator: CoordinatorAddress | null = null;
  private assigned: TopicPartition[] = [];
  private lastPollAtMs = performance.now();
  private heartbeatTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatInFlight = false;
  private closed = false;
  private rebalancing: Promise<void> | null = null;
  private rebalanceError: Error | null = null;
  /** Topic counts the leader assigned from; a change means a new rebalance. */
  private assignedTopicCounts: Map<string, number> | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: ResolvedConsumerConfig<unknown, unknown>,
    private readonly groupId: string,
    private readonly hooks: AssignmentHooks,
    private readonly subscribedTopics: () => string[],
  ) {}

  get assignment(): TopicPartition[] {
    return this.assigned;
  }

  get isStable(): boolean {
    return this.state === 'stable' && !this.rejoinNeeded;
  }

  requestRejoin(): void {
    this.rejoinNeeded = true;
  }

  /**
   * Called at every consumer poll: records liveness and drives a pending
   * rebalance for at most `timeoutMs` (as Kafka's poll(timeout)): a JoinGroup
   * that waits for other members stays in flight across polls.
   */
  async poll(timeoutMs: number): Promise<void> {
    this.lastPollAtMs = performance.now();
    this.startHeartbeats();
    if (this.rebalanceError !== null) {
      const err = this.rebalanceError;
      this.rebalanceError = null;
      throw err;
    }
    if (!this.rejoinNeeded && this.state === 'stable') return;
    if (this.rebalancing === null) {
      this.rebalancing = this.rebalance().then(
        () => {
          this.rebalancing = null;
        },
        (err: Error) => {
          this.rebalancing = null;
          this.rebalanceError = err;
        },
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.rebalancing,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, timeoutMs));
      }),
    ]);
    clearTimeout(timer);
    if (this.rebalanceError !== null) {
      const err = this.rebalanceError;
      this.rebalanceError = null;
      throw err;
    }
  }

  private async rebalance(): Promise<void> {
    while (this.rejoinNeeded || this.state !== 'stable') {
      if (this.closed) throw new ClientClosedError('consumer');
      await this.rebalanceOnce();
    }
  }

  /** Leader only: partition counts moved under the last assignment (new partitions, new topics). */
  leaderSeesChange(counts: ReadonlyMap<string, number>): boolean {
    if (this.assignedTopicCounts === null) return false;
    for (const [topic, count] of counts) if (this.assignedTopicCounts.get(topic) !== count) return true;
    return false;
  }

  private async rebalanceOnce(): Promise<void> {
    try {
      await this.ensureCoordinator();
      if (!this.joinPrepared) {
        await this.prepareJoin();
        this.joinPrepared = true;
      }
      this.state = 'rebalancing';
      const join = await this.joinGroup();
      if (join === null) return;
      const assignment = await this.syncGroup(join);
      if (assignment === null) return;
      this.joinPrepared = false;
      this.state = 'stable';
      this.rejoinNeeded = false;
      await this.completeJoin(assignment);
    } catch (err) {
      if (!isRetriable(err)) throw err;
      this.markCoordinatorUnknown();
      await sleep(this.config.client.retryBackoffMs);
    }
  }

  /** Eager protocols give up everything before joining; a lost membership reports the partitions lost. */
  private async prepareJoin(): Promise<void> {
    if (this.assigned.length === 0) return;
    if (this.lost) {
      const lost = this.assigned;
      this.assigned = [];
      await this.hooks.lose(lost);
      return;
    }
    if (this.currentAssignor()?.rebalanceProtocol !== 'cooperative') {
      const revoked = this.assigned;
      await this.hooks.revoke(revoked);
      this.assigned = [];
      this.ownedForSubscription = revoked;
    }
  }

  /** What the subscription reports as owned: the last assignment (eager members have just revoked it, sticky assignors still want it). */
  private ownedForSubscription: TopicPartition[] = [];
  private ownedGeneration = -1;

  private currentAssignor(): PartitionAssignor | undefined {
    return this.config.assignors.find((a) => a.name === this.protocolName) ?? this.config.assignors[0];
  }

  private async joinGroup(): Promise<JoinGroupResponse.JoinGroupResponseData | null> {
    const conn = await this.coordinatorConnection();
    const topics = this.subscribedTopics().sort();
    const owned = this.lost ? [] : this.assigned.length > 0 ? this.assigned : this.ownedForSubscription;
    const metadata = encodeSubscription({
      topics,
      userData: null,
      ownedPartitions: owned,
      generationId: this.lost ? -1 : this.ownedGeneration,
      rackId: this.config.clientRack,
    });
    const rebalanceTimeoutMs = this.config.maxPollIntervalMs;
    const response = await conn.request(
      Apis.joinGroup,
      JoinGroupRequest.create({
        groupId: this.groupId,
        sessionTimeoutMs: this.config.sessionTimeoutMs,
        rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.config.groupInstanceId,
        protocolType: PROTOCOL_TYPE,
        protocols: this.config.assignors.map((a) => ({ name: a.name, metadata })),
        reason: null,
      }),
      { extraTimeoutMs: rebalanceTimeoutMs + JOIN_EXTRA_TIMEOUT_MS },
    );
    switch (response.errorCode) {
      case 0:
        this.memberId = response.memberId;
        this.generationId = response.generationId;
        this.protocolName = response.protocolName;
        return response;
      case ErrorCode.MEMBER_ID_REQUIRED:
        this.memberId = response.memberId;
        return null;
      case ErrorCode.UNKNOWN_MEMBER_ID:
      case ErrorCode.ILLEGAL_GENERATION:
        this.resetGeneration();
        return null;
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return null;
      default:
        if (isCoordinatorError(response.errorCode)) {
          this.markCoordinatorUnknown();
          await sleep(this.config.client.retryBackoffMs);
          return null;
        }
        throw kafkaError(response.errorCode, `JoinGroup "${this.groupId}"`);
    }
  }

  private async syncGroup(join: JoinGroupResponse.JoinGroupResponseData): Promise<TopicPartition[] | null> {
    const isLeader = join.leader === join.memberId;
    if (!isLeader) this.assignedTopicCounts = null;
    const assignments = isLeader && !join.skipAssignment ? await this.assignAsLeader(join) : [];
    const conn = await this.coordinatorConnection();
    const response = await conn.request(
      Apis.syncGroup,
      SyncGroupRequest.create({
        groupId: this.groupId,
        generationId: join.generationId,
        memberId: this.memberId,
        groupInstanceId: this.config.groupInstanceId,
        protocolType: PROTOCOL_TYPE,
        protocolName: join.protocolName,
        assignments,
      }),
    );
    if (response.errorCode === 0) return decodeAssignment(response.assignment);
    if (response.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) return null;
    if (response.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || response.errorCode === ErrorCode.ILLEGAL_GENERATION) {
      this.resetGeneration();
      return null;
    }
    if (isCoordinatorError(response.errorCode)) {
      this.markCoordinatorUnknown();
      return null;
    }
    throw kafkaError(response.errorCode, `SyncGroup "${this.groupId}"`);
  }

  /** Runs the chosen assignor over every member's subscription; partition counts come from fresh metadata. */
  private async assignAsLeader(
    join: JoinGroupResponse.JoinGroupResponseData,
  ): Promise<{ memberId: string; assignment: Buffer }[]> {
    const assignor = this.config.assignors.find((a) => a.name === join.protocolName);
    if (assignor === undefined) {
      throw kafkaError(
        ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
        `group "${this.groupId}"`,
        `no assignor "${join.protocolName}"`,
      );
    }
    const members: GroupMember[] = join.members.map((m) => {
      try {
        const s = decodeSubscription(m.metadata);
        return {
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          topics: s.topics,
          ownedPartitions: s.ownedPartitions,
          generationId: s.generationId,
          rackId: s.rackId,
        };
      } catch {
        return { memberId: m.memberId, groupInstanceId: m.groupInstanceId, topics: [] };
      }
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    const counts = new Map<string, number>();
    if (topics.length > 0) {
      await this.cluster.refreshMetadata(topics);
      for (const topic of topics) {
        const info = this.cluster.metadata.topics.get(topic);
        if (info !== undefined && info.errorCode === 0 && info.partitions.length > 0)
          counts.set(topic, info.partitions.length);
      }
    }
    this.assignedTopicCounts = counts;
    const result = assignor.assign(members, counts);
    return members.map((m) => ({ memberId: m.memberId, assignment: encodeAssignment(result.get(m.memberId) ?? []) }));
  }

  /** Applies a SyncGroup assignment: revoke what left (cooperative: then rejoin so it can move), assign what is new. */
  private async completeJoin(assignment: TopicPartition[]): Promise<void> {
    const next = new Set(assignment.map((tp) => tpKey(tp.topic, tp.partition)));
    const previous = new Set(this.assigned.map((tp) => tpKey(tp.topic, tp.partition)));
    const revoked = this.assigned.filter((tp) => !next.has(tpKey(tp.topic, tp.partition)));
    const added = assignment.filter((tp) => !previous.has(tpKey(tp.topic, tp.partition)));
    this.lost = false;
    if (revoked.length > 0) {
      await this.hooks.revoke(revoked);
      // KIP-429: the revoked partitions are released; a follow-up rebalance gives them to their new owner.
      this.rejoinNeeded = true;
    }
    this.assigned = assignment;
    this.ownedForSubscription = assignment;
    this.ownedGeneration = this.generationId;
    await this.hooks.assign(added);
  }

  private resetGeneration(): void {
    this.memberId = '';
    this.generationId = -1;
    this.state = 'unjoined';
    this.rejoinNeeded = true;
    this.ownedForSubscription = [];
    this.ownedGeneration = -1;
    if (this.assigned.length > 0) this.lost = true;
  }

  private markCoordinatorUnknown(): void {
    this.coordinator = null;
  }

  private async ensureCoordinator(): Promise<CoordinatorAddress> {
    if (this.coordinator === null) {
      this.coordinator = await findCoordinator(
        this.cluster,
        this.groupId,
        CoordinatorKeyType.group,
        this.config.client.requestTimeoutMs,
      );
    }
    return this.coordinator;
  }

  private async coordinatorConnection(): Promise<Connection> {
    const c = await this.ensureCoordinator();
    return this.cluster.coordinatorConnection(c.nodeId, c.host, c.port);
  }

  private startHeartbeats(): void {
    if (this.heartbeatTimer !== null || this.closed) return;
    const tick = () => {
      this.heartbeatTimer = setTimeout(() => {
        void this.heartbeatOnce().finally(() => {
          if (!this.closed) tick();
        });
      }, this.config.heartbeatIntervalMs);
      this.heartbeatTimer.unref?.();
    };
    tick();
  }

  /** One heartbeat when stable; also enforces max.poll.interval.ms (Kafka's poll timeout: leave the group). */
  private async heartbeatOnce(): Promise<void> {
    if (this.closed || this.heartbeatInFlight || this.state !== 'stable') return;
    if (performance.now() - this.lastPollAtMs > this.config.maxPollIntervalMs) {
      await this.leaveGroup('consumer poll timeout has expired');
      this.resetGeneration();
      return;
    }
    this.heartbeatInFlight = true;
    try {
      const conn = await this.coordinatorConnection();
      const response = await conn.request(
        Apis.heartbeat,
        HeartbeatRequest.create({
          groupId: this.groupId,
          generationId: this.generationId,
          memberId: this.memberId,
          groupInstanceId: this.config.groupInstanceId,
        }),
      );
      const code = response.errorCode;
      if (code === ErrorCode.REBALANCE_IN_PROGRESS) this.rejoinNeeded = true;
      else if (
        code === ErrorCode.UNKNOWN_MEMBER_ID ||
        code === ErrorCode.ILLEGAL_GENERATION ||
        code === ErrorCode.FENCED_INSTANCE_ID
      ) {
        this.resetGeneration();
      } else if (isCoordinatorError(code)) this.markCoordinatorUnknown();
    } catch {
      this.markCoordinatorUnknown();
    } finally {
      this.heartbeatInFlight = false;
    }
  }

  /** LeaveGroup for dynamic members; a static member (group.instance.id) stays until its session times out. */
  async leaveGroup(reason: string): Promise<void> {
    if (this.config.groupInstanceId !== null || this.memberId === '' || this.coordinator === null) return;
    try {
      const conn = await this.coordinatorConnection();
      await conn.request(
        Apis.leaveGroup,
        conn.versionOf(Apis.leaveGroup) >= LEAVE_BATCH_VERSION
          ? LeaveGroupRequest.create({
              groupId: this.groupId,
              members: [{ memberId: this.memberId, groupInstanceId: null, reason }],
            })
          : LeaveGroupRequest.create({ groupId: this.groupId, memberId: this.memberId }),
      );
    } catch {
      // Best effort, as in Kafka: the session timeout removes the member anyway.
    }
  }

  /**
   * OffsetCommit with this member's generation (generation -1 and no member id
   * when the consumer is not subscribed). Retries coordinator moves until the
   * request timeout; a fenced member gets CommitFailedError.
   */
  async commit(offsets: readonly OffsetAndMetadata[], subscribed: boolean): Promise<void> {
    if (offsets.length === 0) return;
    const deadline = performance.now() + this.config.client.requestTimeoutMs;
    for (;;) {
      if (subscribed && this.state !== 'stable') {
        throw kafkaError(
          ErrorCode.REBALANCE_IN_PROGRESS,
          `commit of group "${this.groupId}"`,
          'the group is rebalancing; poll() to rejoin',
        );
      }
      let retry = false;
      try {
        const conn = await this.coordinatorConnection();
        const member = subscribed
          ? { generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.config.groupInstanceId }
          : { generationId: -1, memberId: '', groupInstanceId: null };
        const results = await offsetCommit(conn, this.groupId, member, offsets);
        for (const r of results) {
          if (r.errorCode === 0) continue;
          if (
            r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID ||
            r.errorCode === ErrorCode.ILLEGAL_GENERATION ||
            r.errorCode === ErrorCode.FENCED_INSTANCE_ID
          ) {
            this.resetGeneration();
            throw new CommitFailedError(
              r.errorCode,
              `commit of group "${this.groupId}" failed: the member was removed from the group (rebalanced, or poll() came later than max.poll.interval.ms)`,
            );
          }
          if (r.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) {
            this.rejoinNeeded = true;
            throw kafkaError(r.errorCode, `commit of group "${this.groupId}"`);
          }
          if (isCoordinatorError(r.errorCode)) {
            this.markCoordinatorUnknown();
            retry = true;
            break;
          }
          throw kafkaError(r.errorCode, `commit ${r.topic}-${r.partition} of group "${this.groupId}"`);
        }
      } catch (err) {
        if (!isRetriable(err) || (isKafkaError(err) && err.code === ErrorCode.REBALANCE_IN_PROGRESS)) throw err;
        this.markCoordinatorUnknown();
        retry = true;
        if (performance.now() >= deadline) throw err;
      }
      if (!retry) return;
      if (performance.now() >= deadline) {
        throw kafkaError(ErrorCode.REQUEST_TIMED_OUT, `commit of group "${this.groupId}"`, 'coordinator not available');
      }
      await sleep(this.config.client.retryBackoffMs);
    }
  }

  /** Committed offsets (OffsetFetch, requireStable): offset -1 means none. Retries coordinator moves and unstable offsets. */
  async committed(partitions: readonly TopicPartition[]): Promise<FetchedOffset[]> {
    const deadline = performance.now() + this.config.client.requestTimeoutMs;
    for (;;) {
      try {
        const conn = await this.coordinatorConnection();
        const offsets = await offsetFetch(conn, this.groupId, partitions, true);
        const retry = offsets.find(
          (o) =>
            o.errorCode !== 0 && (isCoordinatorError(o.errorCode) || o.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT),
        );
        if (retry === undefined) {
          const failed = offsets.find((o) => o.errorCode !== 0);
          if (failed !== undefined) throw kafkaError(failed.errorCode, `committed ${failed.topic}-${failed.partition}`);
          return offsets;
        }
        if (isCoordinatorError(retry.errorCode)) this.markCoordinatorUnknown();
        if (performance.now() >= deadline) throw kafkaError(retry.errorCode, `committed offsets of "${this.groupId}"`);
      } catch (err) {
        if (!isRetriable(err) || performance.now() >= deadline) throw err;
        this.markCoordinatorUnknown();
      }
      await sleep(this.config.client.retryBackoffMs);
    }
  }

  /** After unsubscribe(): no heartbeats, no member id; a later subscribe() joins afresh. */
  reset(): void {
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.memberId = '';
    this.generationId = -1;
    this.state = 'unjoined';
    this.rejoinNeeded = true;
    this.lost = false;
    this.joinPrepared = false;
    this.assigned = [];
    this.ownedForSubscription = [];
    this.ownedGeneration = -1;
  }

  /** Stops for good; the consumer revokes/commits before calling this and leaves with leaveGroup(). */
  close(): void {
    this.closed = true;
    if (this.heartbeatTimer !== null) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  /** The current assignment as it will be on close (the consumer revokes these). */
  takeAssignmentForClose(): { partitions: TopicPartition[]; lost: boolean } {
    const partitions = this.assigned;
    this.assigned = [];
    return { partitions, lost: this.lost || this.generationId < 0 };
  }
}

function isRetriable(err: unknown): boolean {
  return isKafkaError(err) && (err as { retriable: boolean }).retriable;
}
