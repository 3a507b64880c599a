import { assert, type Clock, type Random } from '@fluxo/core';
import { MemoryLog } from './memory-log.js';
import { quorumOffset } from './quorum.js';
import {
  type BeginQuorumEpochRequest,
  type EndQuorumEpochRequest,
  type Entry,
  ErrorCode,
  type FetchRequest,
  type FetchResponse,
  type FetchSnapshotRequest,
  type FetchSnapshotResponse,
  type QuorumEpochResponse,
  type QuorumState,
  type RaftAction,
  type RaftConfig,
  type RaftEvent,
  type RaftMessage,
  type Role,
  type SnapshotId,
  type VoteRequest,
  type VoteResponse,
} from './types.js';

/** What a node finds on its disk when it starts. */
export interface PersistedState {
  readonly quorum: QuorumState | null;
  readonly snapshot: { readonly id: SnapshotId; readonly bytes: Uint8Array };
  readonly entries: readonly Entry[];
}

export const EMPTY_DISK: PersistedState = {
  quorum: null,
  snapshot: { id: { endOffset: 0, epoch: 0 }, bytes: new Uint8Array(0) },
  entries: [],
};

/** Kafka's quorum.retry.backoff.ms default. */
const RETRY_BACKOFF_MS = 20;
/** A snapshot bigger than this is refused rather than buffered. */
const SNAPSHOT_BYTES_MAX = 256 * 1024 * 1024;
/** The control entry a new leader appends (its epoch makes earlier entries committable). */
const LEADER_CHANGE_DATA = new Uint8Array(0);

interface FollowerProgress {
  /** The follower's durable, validated log end offset (from its latest valid fetch in this epoch). */
  matchOffset: number;
  lastFetchMs: number;
}

interface SnapshotDownload {
  id: SnapshotId;
  size: number;
  chunks: Uint8Array[];
  position: number;
}

/**
 * A KRaft voter as a pure state machine: `step(event)` returns the actions the driver
 * must perform, in order. Persist actions come before the sends that depend on them.
 */
export class RaftNode {
  readonly id: number;
  private readonly majority: number;
  role: Role = 'unattached';
  epoch = 0;
  leaderId = -1;
  votedId = -1;
  readonly log: MemoryLog;
  highWatermark: number;
  appliedOffset: number;
  private flushedOffset: number;
  private logVersion = 0;
  private out: RaftAction[] = [];
  private correlation = 0;
  private snapshotBytes: Uint8Array;
  private snapshotInProgress = false;
  private armedAtMs = -1;
  private started = false;
  // Timers (monotonic ms, Infinity when unset).
  private electionDeadlineMs = Number.POSITIVE_INFINITY;
  private fetchTimeoutDeadlineMs = Number.POSITIVE_INFINITY;
  private nextFetchAtMs = Number.POSITIVE_INFINITY;
  private beginQuorumResendAtMs = Number.POSITIVE_INFINITY;
  // Candidate / prospective.
  private votesGranted = new Set<number>();
  // Follower.
  private inflightFetch: { correlation: number; sentMs: number; snapshot: boolean } | null = null;
  private lastLeaderContactMs = Number.NEGATIVE_INFINITY;
  private download: SnapshotDownload | null = null;
  // Leader.
  private progress = new Map<number, FollowerProgress>();
  private epochStartOffset = 0;
  private parked = new Map<number, { request: FetchRequest; deadlineMs: number }>();
  private pendingAppends: { offset: number; appendId: number }[] = [];
  private parkedDirty = false;

  constructor(
    readonly config: RaftConfig,
    private readonly clock: Clock,
    private readonly random: Random,
    disk: PersistedState = EMPTY_DISK,
  ) {
    this.id = config.nodeId;
    assert(config.voters.includes(this.id), 'a node is one of the voters');
    this.majority = Math.floor(config.voters.length / 2) + 1;
    this.log = new MemoryLog(disk.snapshot.id, disk.entries);
    this.snapshotBytes = disk.snapshot.bytes;
    this.highWatermark = this.log.logStartOffset;
    this.appliedOffset = this.log.logStartOffset;
    this.flushedOffset = this.log.endOffset;
    const q = disk.quorum;
    if (q !== null) {
      this.epoch = q.leaderEpoch;
      this.votedId = q.votedId;
      // A leader restarted in its epoch may not lead it again: it resigns and waits.
      if (q.leaderId === this.id) this.role = 'resigned';
      else if (q.leaderId >= 0) {
        this.role = 'follower';
        this.leaderId = q.leaderId;
      }
    }
  }

  /** The single entry point: feed one event, get the actions to perform. */
  step(event: RaftEvent): RaftAction[] {
    this.out = [];
    if (!this.started) this.start();
    switch (event.type) {
      case 'message':
        this.onMessage(event.message);
        break;
      case 'tick':
        break;
      case 'logFlushed':
        this.onLogFlushed(event.endOffset, event.logVersion);
        break;
      case 'snapshotSaved':
        this.onSnapshotSaved(event.id, event.bytes);
        break;
      case 'append':
        this.onAppend(event.appendId, event.data);
        break;
    }
    this.onTimers();
    if (this.parkedDirty && this.role === 'leader') this.completeParkedFetches();
    this.parkedDirty = false;
    this.armTimer();
    return this.out;
  }

  /** The first step after (re)start arms the timers of the role found on disk. */
  private start(): void {
    this.started = true;
    const now = this.now();
    if (this.role === 'follower') {
      this.lastLeaderContactMs = now;
      this.fetchTimeoutDeadlineMs = now + this.config.fetchTimeoutMs;
      this.nextFetchAtMs = now;
    } else this.electionDeadlineMs = now + this.randomElectionTimeout();
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  /** DescribeQuorum's view: the leader's record of each voter's log end offset. */
  describe(): { leaderId: number; leaderEpoch: number; highWatermark: number; voters: Map<number, number> } {
    const voters = new Map<number, number>();
    for (const v of this.config.voters)
      voters.set(v, v === this.id ? this.log.endOffset : (this.progress.get(v)?.matchOffset ?? -1));
    return { leaderId: this.leaderId, leaderEpoch: this.epoch, highWatermark: this.highWatermark, voters };
  }

  // ---- events ------------------------------------------------------------------------------

  private onMessage(m: RaftMessage): void {
    if (m.to !== this.id || m.from === this.id || !this.config.voters.includes(m.from)) return;
    switch (m.kind) {
      case 'vote':
        return this.onVoteRequest(m);
      case 'voteResponse':
        return this.onVoteResponse(m);
      case 'beginQuorumEpoch':
        return this.onBeginQuorumEpoch(m);
      case 'endQuorumEpoch':
        return this.onEndQuorumEpoch(m);
      case 'quorumEpochResponse':
        return this.onQuorumEpochResponse(m);
      case 'fetch':
        return this.onFetchRequest(m);
      case 'fetchResponse':
        return this.onFetchResponse(m);
      case 'fetchSnapshot':
        return this.onFetchSnapshotRequest(m);
      case 'fetchSnapshotResponse':
        return this.onFetchSnapshotResponse(m);
    }
  }

  private onLogFlushed(endOffset: number, logVersion: number): void {
    // A flush issued before a truncation says nothing about the rewritten tail.
    if (logVersion !== this.logVersion) return;
    this.flushedOffset = Math.max(this.flushedOffset, Math.min(endOffset, this.log.endOffset));
    if (this.role === 'leader') this.maybeAdvanceLeaderHighWatermark();
  }

  private onSnapshotSaved(id: SnapshotId, bytes: Uint8Array): void {
    this.snapshotInProgress = false;
    if (id.endOffset <= this.log.logStartOffset || id.endOffset > this.log.endOffset) return;
    if (this.log.epochAt(id.endOffset - 1) !== id.epoch) return;
    assert(id.endOffset <= this.highWatermark, 'snapshots cover committed entries only');
    this.log.dropPrefix(id);
    this.snapshotBytes = bytes;
    this.emit({ type: 'truncatePrefix', logStartOffset: id.endOffset });
  }

  private onAppend(appendId: number, data: Uint8Array): void {
    if (this.role !== 'leader') {
      this.emit({ type: 'appendResult', appendId, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, offset: -1 });
      return;
    }
    if (this.pendingAppends.length >= this.config.maxPendingAppends) {
      this.emit({ type: 'appendResult', appendId, errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, offset: -1 });
      return;
    }
    const offset = this.appendAsLeader({ epoch: this.epoch, control: false, data });
    this.pendingAppends.push({ offset, appendId });
  }

  // ---- elections ---------------------------------------------------------------------------

  private onVoteRequest(m: VoteRequest): void {
    if (m.preVote) return this.onPreVoteRequest(m);
    if (m.candidateEpoch > this.epoch) this.becomeUnattached(m.candidateEpoch, -1);
    let granted = false;
    if (m.candidateEpoch === this.epoch && this.leaderId === -1 && this.role !== 'leader') {
      const free = this.votedId === -1 || this.votedId === m.from;
      granted = free && this.role !== 'candidate' && this.role !== 'resigned' && this.logIsBehind(m);
      if (granted && this.votedId === -1) {
        this.votedId = m.from;
        this.persist();
      }
      if (granted) this.electionDeadlineMs = this.now() + this.randomElectionTimeout();
    }
    this.send(this.voteResponse(m, granted));
  }

  private onPreVoteRequest(m: VoteRequest): void {
    // KIP-996: no state changes. Refuse while a leader is known to be alive.
    let granted = false;
    if (m.candidateEpoch > this.epoch) {
      const leaderAlive =
        this.role === 'leader' ||
        (this.role === 'follower' && this.now() - this.lastLeaderContactMs < this.config.fetchTimeoutMs);
      granted = !leaderAlive && this.logIsBehind(m);
    }
    this.send(this.voteResponse(m, granted));
  }

  /** True when the candidate's log is at least as up to date as ours (Raft's election restriction). */
  private logIsBehind(m: VoteRequest): boolean {
    if (m.lastOffsetEpoch !== this.log.lastEpoch) return m.lastOffsetEpoch > this.log.lastEpoch;
    return m.lastOffset >= this.log.endOffset;
  }

  private voteResponse(m: VoteRequest, granted: boolean): VoteResponse {
    return {
      kind: 'voteResponse',
      from: this.id,
      to: m.from,
      errorCode: ErrorCode.NONE,
      leaderEpoch: this.epoch,
      leaderId: this.leaderId,
      voteGranted: granted,
      preVote: m.preVote,
      correlation: m.correlation,
    };
  }

  private onVoteResponse(m: VoteResponse): void {
    if (this.observeEpoch(m.leaderEpoch, m.leaderId, m.from)) return;
    if (!m.voteGranted) return;
    if (m.preVote && this.role === 'prospective' && m.leaderEpoch <= this.epoch) {
      this.votesGranted.add(m.from);
      if (this.votesGranted.size >= this.majority) this.becomeCandidate();
    } else if (!m.preVote && this.role === 'candidate' && m.leaderEpoch === this.epoch) {
      this.votesGranted.add(m.from);
      if (this.votesGranted.size >= this.majority) this.becomeLeader();
    }
  }

  /**
   * Adopts a higher epoch seen in a message, or a leader of our own epoch when the
   * leader itself speaks (hearsay from a follower could name a leader we just gave up on).
   * Returns true when the node changed role because of it.
   */
  private observeEpoch(epoch: number, leaderId: number, from: number): boolean {
    if (epoch > this.epoch) {
      if (leaderId >= 0) this.becomeFollower(epoch, leaderId);
      else this.becomeUnattached(epoch, -1);
      return true;
    }
    if (epoch === this.epoch && leaderId === from && leaderId !== this.id && this.leaderId === -1) {
      assert(this.role !== 'leader', 'two leaders in one epoch');
      this.becomeFollower(epoch, leaderId);
      return true;
    }
    return false;
  }

  private onBeginQuorumEpoch(m: BeginQuorumEpochRequest): void {
    if (m.leaderEpoch >= this.epoch) this.observeEpoch(m.leaderEpoch, m.from, m.from);
    this.send(this.quorumEpochResponse(m.from, m.correlation));
  }

  private onEndQuorumEpoch(m: EndQuorumEpochRequest): void {
    if (m.leaderEpoch > this.epoch) this.becomeUnattached(m.leaderEpoch, -1);
    else if (m.leaderEpoch === this.epoch && this.leaderId === m.from && this.role === 'follower') {
      // The leader resigned: forget it (so pre-votes are granted) and stand soon if preferred.
      this.role = 'unattached';
      this.leaderId = -1;
      this.persist();
      const rank = m.preferredSuccessors.indexOf(this.id);
      const backoff = rank >= 0 ? rank * RETRY_BACKOFF_MS * 5 : this.randomElectionTimeout();
      this.electionDeadlineMs = this.now() + backoff;
      this.resetFollowerState();
    }
    this.send(this.quorumEpochResponse(m.from, m.correlation));
  }

  private quorumEpochResponse(to: number, correlation: number): QuorumEpochResponse {
    return {
      kind: 'quorumEpochResponse',
      from: this.id,
      to,
      errorCode: ErrorCode.NONE,
      leaderEpoch: this.epoch,
      leaderId: this.leaderId,
      correlation,
    };
  }

  private onQuorumEpochResponse(m: QuorumEpochResponse): void {
    this.observeEpoch(m.leaderEpoch, m.leaderId, m.from);
  }

  // ---- transitions -------------------------------------------------------------------------

  private leaveRole(): void {
    if (this.role === 'leader') {
      for (const p of this.pendingAppends)
        this.emit({
          type: 'appendResult',
          appendId: p.appendId,
          errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER,
          offset: -1,
        });
      this.pendingAppends = [];
      this.parked.clear();
      this.progress.clear();
      this.beginQuorumResendAtMs = Number.POSITIVE_INFINITY;
    }
    this.resetFollowerState();
    this.votesGranted.clear();
  }

  private resetFollowerState(): void {
    this.inflightFetch = null;
    this.download = null;
    this.nextFetchAtMs = Number.POSITIVE_INFINITY;
    this.fetchTimeoutDeadlineMs = Number.POSITIVE_INFINITY;
  }

  private becomeUnattached(epoch: number, votedId: number): void {
    assert(epoch > this.epoch, 'unattached moves to a higher epoch');
    this.leaveRole();
    this.role = 'unattached';
    this.epoch = epoch;
    this.leaderId = -1;
    this.votedId = votedId;
    this.persist();
    this.electionDeadlineMs = this.now() + this.randomElectionTimeout();
  }

  private becomeFollower(epoch: number, leaderId: number): void {
    assert(epoch >= this.epoch, 'follower epoch goes back');
    if (epoch > this.epoch) this.votedId = -1;
    this.leaveRole();
    this.role = 'follower';
    this.epoch = epoch;
    this.leaderId = leaderId;
    this.persist();
    const now = this.now();
    this.electionDeadlineMs = Number.POSITIVE_INFINITY;
    this.lastLeaderContactMs = now;
    this.fetchTimeoutDeadlineMs = now + this.config.fetchTimeoutMs;
    this.nextFetchAtMs = now;
  }

  private becomeProspective(): void {
    this.leaveRole();
    this.role = 'prospective';
    this.leaderId = -1;
    this.votesGranted = new Set([this.id]);
    this.electionDeadlineMs = this.now() + this.randomElectionTimeout();
    if (this.votesGranted.size >= this.majority) return this.becomeCandidate();
    this.requestVotes(true, this.epoch + 1);
  }

  private becomeCandidate(): void {
    this.leaveRole();
    this.role = 'candidate';
    this.epoch += 1;
    this.leaderId = -1;
    this.votedId = this.id;
    this.persist();
    this.votesGranted = new Set([this.id]);
    this.electionDeadlineMs = this.now() + this.randomElectionTimeout();
    if (this.votesGranted.size >= this.majority) return this.becomeLeader();
    this.requestVotes(false, this.epoch);
  }

  private requestVotes(preVote: boolean, candidateEpoch: number): void {
    for (const v of this.config.voters) {
      if (v === this.id) continue;
      this.send({
        kind: 'vote',
        from: this.id,
        to: v,
        candidateEpoch,
        lastOffsetEpoch: this.log.lastEpoch,
        lastOffset: this.log.endOffset,
        preVote,
        correlation: this.nextCorrelation(),
      });
    }
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.leaveRole();
    this.role = 'leader';
    this.leaderId = this.id;
    this.persist();
    const now = this.now();
    this.electionDeadlineMs = Number.POSITIVE_INFINITY;
    for (const v of this.config.voters) if (v !== this.id) this.progress.set(v, { matchOffset: 0, lastFetchMs: now });
    this.epochStartOffset = this.log.endOffset;
    this.appendAsLeader({ epoch: this.epoch, control: true, data: LEADER_CHANGE_DATA });
    this.sendBeginQuorumEpoch();
  }

  private sendBeginQuorumEpoch(): void {
    const now = this.now();
    for (const [v, p] of this.progress) {
      // Voters fetching from us know; a silent one may have moved to a higher epoch, and its
      // answer to BeginQuorumEpoch is how we learn it and step down.
      if (p.matchOffset > this.epochStartOffset && now - p.lastFetchMs < this.config.requestTimeoutMs) continue;
      this.send({
        kind: 'beginQuorumEpoch',
        from: this.id,
        to: v,
        leaderEpoch: this.epoch,
        correlation: this.nextCorrelation(),
      });
    }
    this.beginQuorumResendAtMs = now + this.config.requestTimeoutMs;
  }

  /** Check-quorum: a leader that has not heard from a majority within 1.5 fetch timeouts resigns. */
  private resign(): void {
    const successors = [...this.progress.entries()].sort((a, b) => b[1].matchOffset - a[1].matchOffset).map(([v]) => v);
    this.leaveRole();
    this.role = 'resigned';
    this.leaderId = -1;
    this.persist();
    for (const v of successors)
      this.send({
        kind: 'endQuorumEpoch',
        from: this.id,
        to: v,
        leaderEpoch: this.epoch,
        preferredSuccessors: successors,
        correlation: this.nextCorrelation(),
      });
    this.electionDeadlineMs = this.now() + this.randomElectionTimeout();
  }

  // ---- leader: replication -----------------------------------------------------------------

  private appendAsLeader(entry: Entry): number {
    const offset = this.log.append(entry);
    this.emit({ type: 'appendLog', baseOffset: offset, entries: [entry] });
    this.emit({ type: 'flushLog', endOffset: this.log.endOffset, logVersion: this.logVersion });
    this.parkedDirty = true; // answered once, at the end of the step, with everything appended
    return offset;
  }

  private onFetchRequest(m: FetchRequest): void {
    const error = this.leaderEpochError(m.currentLeaderEpoch);
    if (error !== ErrorCode.NONE) return this.send(this.fetchResponse(m, error, [], null, null));
    const p = this.progress.get(m.from)!;
    p.lastFetchMs = this.now();
    if (m.fetchOffset < this.log.logStartOffset)
      return this.send(this.fetchResponse(m, ErrorCode.NONE, [], null, this.log.latestSnapshot));
    const known = this.log.endOffsetForEpoch(m.lastFetchedEpoch);
    if (known.epoch === -1) return this.send(this.fetchResponse(m, ErrorCode.NONE, [], null, this.log.latestSnapshot));
    if (known.epoch !== m.lastFetchedEpoch || known.endOffset < m.fetchOffset)
      return this.send(this.fetchResponse(m, ErrorCode.NONE, [], known, null));
    // The follower's log matches ours up to fetchOffset, and it made that durable before asking.
    p.matchOffset = Math.max(p.matchOffset, m.fetchOffset);
    this.maybeAdvanceLeaderHighWatermark();
    if (m.fetchOffset >= this.log.endOffset && m.maxWaitMs > 0) {
      this.parked.set(m.from, {
        request: m,
        deadlineMs: this.now() + Math.min(m.maxWaitMs, this.config.fetchMaxWaitMs),
      });
      return;
    }
    this.parked.delete(m.from);
    this.send(this.fetchResponse(m, ErrorCode.NONE, this.entriesFrom(m.fetchOffset), null, null));
  }

  private entriesFrom(offset: number): Entry[] {
    return this.log.slice(offset, this.config.fetchMaxEntries, this.config.fetchMaxBytes);
  }

  /** FENCED_LEADER_EPOCH for an older epoch, UNKNOWN_LEADER_EPOCH for a newer one, NOT_LEADER when we do not lead. */
  private leaderEpochError(requestEpoch: number): number {
    if (requestEpoch < this.epoch) return ErrorCode.FENCED_LEADER_EPOCH;
    if (requestEpoch > this.epoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
    if (this.role !== 'leader') return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    return ErrorCode.NONE;
  }

  private fetchResponse(
    m: FetchRequest,
    errorCode: number,
    entries: Entry[],
    divergingEpoch: SnapshotId | null,
    snapshotId: SnapshotId | null,
  ): FetchResponse {
    return {
      kind: 'fetchResponse',
      from: this.id,
      to: m.from,
      errorCode,
      leaderEpoch: this.epoch,
      leaderId: this.leaderId,
      highWatermark: this.highWatermark,
      logStartOffset: this.log.logStartOffset,
      baseOffset: m.fetchOffset,
      entries,
      divergingEpoch,
      snapshotId,
      correlation: m.correlation,
    };
  }

  private completeParkedFetches(): void {
    for (const [from, { request }] of this.parked) {
      this.parked.delete(from);
      this.send(this.fetchResponse(request, ErrorCode.NONE, this.entriesFrom(request.fetchOffset), null, null));
    }
  }

  private maybeAdvanceLeaderHighWatermark(): void {
    const offsets = [this.flushedOffset, ...[...this.progress.values()].map((p) => p.matchOffset)];
    let candidate = quorumOffset(offsets, this.majority);
    if (this.config.canary === 'commitWithoutMajority') candidate = this.flushedOffset;
    // Raft: only an entry of the current epoch commits by counting replicas.
    const ownEpoch = candidate > this.epochStartOffset || this.config.canary === 'noEpochCheckOnCommit';
    if (candidate <= this.highWatermark || !ownEpoch) return;
    this.highWatermark = candidate;
    while (this.pendingAppends.length > 0 && this.pendingAppends[0].offset < candidate) {
      const p = this.pendingAppends.shift()!;
      this.emit({ type: 'appendResult', appendId: p.appendId, errorCode: ErrorCode.NONE, offset: p.offset });
    }
    this.applyCommitted();
    this.parkedDirty = true;
  }

  private onFetchSnapshotRequest(m: FetchSnapshotRequest): void {
    let error = this.leaderEpochError(m.currentLeaderEpoch);
    const snap = this.log.latestSnapshot;
    if (error === ErrorCode.NONE) {
      this.progress.get(m.from)!.lastFetchMs = this.now();
      if (snap.endOffset !== m.snapshotId.endOffset || snap.epoch !== m.snapshotId.epoch)
        error = ErrorCode.SNAPSHOT_NOT_FOUND;
      else if (m.position < 0 || m.position > this.snapshotBytes.length) error = ErrorCode.POSITION_OUT_OF_RANGE;
    }
    const bytes =
      error === ErrorCode.NONE
        ? this.snapshotBytes.subarray(m.position, m.position + this.config.snapshotChunkBytes)
        : new Uint8Array(0);
    const response: FetchSnapshotResponse = {
      kind: 'fetchSnapshotResponse',
      from: this.id,
      to: m.from,
      errorCode: error,
      leaderEpoch: this.epoch,
      leaderId: this.leaderId,
      snapshotId: m.snapshotId,
      size: this.snapshotBytes.length,
      position: m.position,
      bytes,
      correlation: m.correlation,
    };
    this.send(response);
  }

  // ---- follower: fetching --------------------------------------------------------------------

  private sendFetch(): void {
    const now = this.now();
    this.nextFetchAtMs = Number.POSITIVE_INFINITY;
    const correlation = this.nextCorrelation();
    this.inflightFetch = { correlation, sentMs: now, snapshot: this.download !== null };
    if (this.download !== null) {
      this.send({
        kind: 'fetchSnapshot',
        from: this.id,
        to: this.leaderId,
        currentLeaderEpoch: this.epoch,
        snapshotId: this.download.id,
        position: this.download.position,
        correlation,
      });
      return;
    }
    const fetchOffset = this.log.endOffset;
    assert(this.flushedOffset >= fetchOffset, 'a follower fetches only from a durable log end');
    this.send({
      kind: 'fetch',
      from: this.id,
      to: this.leaderId,
      currentLeaderEpoch: this.epoch,
      fetchOffset,
      lastFetchedEpoch: this.log.epochAt(fetchOffset - 1),
      maxWaitMs: this.config.fetchMaxWaitMs,
      correlation,
    });
  }

  /** Returns true when the response is the answer to our in-flight fetch from our leader. */
  private acceptLeaderResponse(m: FetchResponse | FetchSnapshotResponse): boolean {
    if (this.observeEpoch(m.leaderEpoch, m.leaderId, m.from)) return false;
    const inflight = this.inflightFetch;
    if (this.role !== 'follower' || m.from !== this.leaderId || inflight?.correlation !== m.correlation) return false;
    if (inflight.snapshot !== (m.kind === 'fetchSnapshotResponse')) return false;
    this.inflightFetch = null;
    return true;
  }

  private onFetchResponse(m: FetchResponse): void {
    if (!this.acceptLeaderResponse(m)) return;
    if (m.errorCode !== ErrorCode.NONE) {
      this.nextFetchAtMs = this.now() + RETRY_BACKOFF_MS;
      return;
    }
    this.noteLeaderContact();
    if (m.snapshotId !== null) {
      this.download = { id: m.snapshotId, size: -1, chunks: [], position: 0 };
      return this.sendFetch();
    }
    if (m.divergingEpoch !== null) {
      const own = this.log.endOffsetForEpoch(m.divergingEpoch.epoch);
      const target = Math.max(this.log.logStartOffset, Math.min(m.divergingEpoch.endOffset, own.endOffset));
      this.truncate(target);
      return this.sendFetch();
    }
    if (m.baseOffset !== this.log.endOffset) return this.sendFetch();
    if (m.entries.length > 0) {
      for (const e of m.entries) this.log.append(e);
      this.emit({ type: 'appendLog', baseOffset: m.baseOffset, entries: m.entries });
      this.emit({ type: 'flushLog', endOffset: this.log.endOffset, logVersion: this.logVersion });
    }
    // Our whole log now matches the leader's, so its high watermark holds for us up to our end.
    const hw = Math.min(m.highWatermark, this.log.endOffset);
    if (hw > this.highWatermark) {
      this.highWatermark = hw;
      this.applyCommitted();
    }
    if (this.flushedOffset >= this.log.endOffset) this.sendFetch();
    // Otherwise the next fetch waits for logFlushed (see onTimers).
  }

  private truncate(endOffset: number): void {
    if (endOffset >= this.log.endOffset) return;
    assert(endOffset >= this.highWatermark, `truncating committed entries (${endOffset} < HW ${this.highWatermark})`);
    this.log.truncateTo(endOffset);
    this.logVersion += 1;
    this.flushedOffset = Math.min(this.flushedOffset, endOffset);
    this.emit({ type: 'truncateLog', endOffset });
    // Earlier flushes no longer count (other logVersion): ask for one that covers the new tail.
    this.emit({ type: 'flushLog', endOffset, logVersion: this.logVersion });
  }

  private onFetchSnapshotResponse(m: FetchSnapshotResponse): void {
    if (!this.acceptLeaderResponse(m)) return;
    const d = this.download;
    if (d === null) return;
    if (m.errorCode !== ErrorCode.NONE || m.position !== d.position || m.size > SNAPSHOT_BYTES_MAX) {
      this.download = null;
      this.nextFetchAtMs = this.now() + RETRY_BACKOFF_MS;
      return;
    }
    this.noteLeaderContact();
    d.size = m.size;
    d.chunks.push(m.bytes);
    d.position += m.bytes.length;
    if (d.position < d.size && m.bytes.length > 0) return this.sendFetch();
    this.download = null;
    const bytes = concat(d.chunks);
    this.installSnapshot(d.id, bytes);
    this.sendFetch();
  }

  private installSnapshot(id: SnapshotId, bytes: Uint8Array): void {
    assert(this.appliedOffset <= id.endOffset, 'a fetched snapshot is ahead of what we applied');
    this.log.resetTo(id);
    this.logVersion += 1;
    this.flushedOffset = id.endOffset;
    this.highWatermark = Math.max(this.highWatermark, id.endOffset);
    this.appliedOffset = id.endOffset;
    this.snapshotBytes = bytes;
    this.snapshotInProgress = false;
    this.emit({ type: 'installSnapshot', id, bytes });
    this.applyCommitted();
  }

  private noteLeaderContact(): void {
    this.lastLeaderContactMs = this.now();
    this.fetchTimeoutDeadlineMs = this.lastLeaderContactMs + this.config.fetchTimeoutMs;
  }

  // ---- commit and apply ----------------------------------------------------------------------

  private applyCommitted(): void {
    while (this.appliedOffset < this.highWatermark) {
      const offset = this.appliedOffset;
      this.emit({ type: 'apply', offset, entry: this.log.entryAt(offset) });
      this.appliedOffset += 1;
    }
    const interval = this.config.snapshotIntervalEntries;
    if (interval > 0 && !this.snapshotInProgress && this.appliedOffset - this.log.logStartOffset >= interval) {
      this.snapshotInProgress = true;
      const endOffset = this.appliedOffset;
      this.emit({ type: 'takeSnapshot', id: { endOffset, epoch: this.log.epochAt(endOffset - 1) } });
    }
  }

  // ---- timers ------------------------------------------------------------------------------

  private onTimers(): void {
    const now = this.now();
    if (this.role === 'leader') return this.onLeaderTimers(now);
    if (this.role === 'follower') {
      if (now >= this.fetchTimeoutDeadlineMs) return this.becomeProspective();
      if (this.inflightFetch !== null && now - this.inflightFetch.sentMs >= this.fetchRequestTimeoutMs()) {
        this.inflightFetch = null;
        this.nextFetchAtMs = now;
      }
      // nextFetchAtMs is unset while we wait for a flush: fetch as soon as it lands.
      const due = now >= this.nextFetchAtMs || this.nextFetchAtMs === Number.POSITIVE_INFINITY;
      if (this.inflightFetch === null && due && this.flushedOffset >= this.log.endOffset) this.sendFetch();
      return;
    }
    // Unattached, resigned, or an election (pre-vote or vote) that timed out: stand again.
    if (now >= this.electionDeadlineMs) this.becomeProspective();
  }

  private onLeaderTimers(now: number): void {
    const checkQuorumMs = this.config.fetchTimeoutMs * 1.5;
    let alive = 1;
    for (const p of this.progress.values()) if (now - p.lastFetchMs < checkQuorumMs) alive += 1;
    if (alive < this.majority) return this.resign();
    for (const [from, { request, deadlineMs }] of this.parked) {
      if (now < deadlineMs) continue;
      this.parked.delete(from);
      this.send(this.fetchResponse(request, ErrorCode.NONE, [], null, null));
    }
    if (now >= this.beginQuorumResendAtMs) this.sendBeginQuorumEpoch();
  }

  private fetchRequestTimeoutMs(): number {
    return this.config.fetchMaxWaitMs + this.config.requestTimeoutMs;
  }

  private armTimer(): void {
    let at = Number.POSITIVE_INFINITY;
    if (this.role === 'leader') {
      const checkQuorumMs = this.config.fetchTimeoutMs * 1.5;
      // The earliest moment a majority could be lost: the majority-th freshest fetch expiring.
      const fetches = [...this.progress.values()].map((p) => p.lastFetchMs).sort((a, b) => b - a);
      const needed = this.majority - 1;
      if (needed > 0) at = Math.min(at, fetches[needed - 1] + checkQuorumMs);
      for (const { deadlineMs } of this.parked.values()) at = Math.min(at, deadlineMs);
      at = Math.min(at, this.beginQuorumResendAtMs);
    } else if (this.role === 'follower') {
      at = Math.min(at, this.fetchTimeoutDeadlineMs, this.nextFetchAtMs);
      if (this.inflightFetch !== null) at = Math.min(at, this.inflightFetch.sentMs + this.fetchRequestTimeoutMs());
    } else at = this.electionDeadlineMs;
    if (at !== this.armedAtMs && at !== Number.POSITIVE_INFINITY) {
      this.armedAtMs = at;
      this.emit({ type: 'armTimer', atMs: at });
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private persist(): void {
    const votedId = this.config.canary === 'forgetVote' ? -1 : this.votedId;
    this.emit({ type: 'persistState', state: { leaderEpoch: this.epoch, leaderId: this.leaderId, votedId } });
  }

  private randomElectionTimeout(): number {
    return this.config.electionTimeoutMs + this.random.int(this.config.electionTimeoutMs);
  }

  /** Correlation ids start at a random point so a restarted node is unlikely to reuse live ones. */
  private nextCorrelation(): number {
    if (this.correlation === 0) this.correlation = this.random.int(1 << 30);
    this.correlation = (this.correlation + 1) | 0;
    return this.correlation;
  }

  private now(): number {
    return this.clock.monotonicMs();
  }

  private send(message: RaftMessage): void {
    this.out.push({ type: 'send', message });
  }

  private emit(action: RaftAction): void {
    this.out.push(action);
  }
}

function concat(chunks: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of chunks) size += c.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
