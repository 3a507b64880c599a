/**
 * The vocabulary of the Raft core: entries, messages between voters, events fed in
 * and actions handed back. Offsets are plain numbers inside the core (a metadata log
 * stays far below 2^53 entries); the wire layer converts them to Kafka's int64.
 */

/** One log entry. `control` entries (LeaderChangeMessage) are Raft's own, not the state machine's. */
export interface Entry {
  readonly epoch: number;
  readonly control: boolean;
  readonly data: Uint8Array;
}

/** Kafka's OffsetAndEpoch: a snapshot id is the end offset (exclusive) and the epoch of its last entry. */
export interface SnapshotId {
  readonly endOffset: number;
  readonly epoch: number;
}

/** Kafka error codes the quorum uses (Kafka's names and numbers). */
export const ErrorCode = {
  NONE: 0,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  THROTTLING_QUOTA_EXCEEDED: 89,
  SNAPSHOT_NOT_FOUND: 98,
  POSITION_OUT_OF_RANGE: 99,
} as const;

export interface VoteRequest {
  readonly kind: 'vote';
  readonly from: number;
  readonly to: number;
  /** The epoch the candidate stands in (for a pre-vote: the epoch it would stand in). */
  readonly candidateEpoch: number;
  readonly lastOffsetEpoch: number;
  /** The candidate's log end offset (Kafka's LastOffset). */
  readonly lastOffset: number;
  /** KIP-996: a pre-vote changes no state on the receiver. */
  readonly preVote: boolean;
  readonly correlation: number;
}

export interface VoteResponse {
  readonly kind: 'voteResponse';
  readonly from: number;
  readonly to: number;
  readonly errorCode: number;
  /** The responder's current epoch and the leader it knows in it (-1 if none). */
  readonly leaderEpoch: number;
  readonly leaderId: number;
  readonly voteGranted: boolean;
  readonly preVote: boolean;
  readonly correlation: number;
}

export interface BeginQuorumEpochRequest {
  readonly kind: 'beginQuorumEpoch';
  readonly from: number;
  readonly to: number;
  readonly leaderEpoch: number;
  readonly correlation: number;
}

export interface EndQuorumEpochRequest {
  readonly kind: 'endQuorumEpoch';
  readonly from: number;
  readonly to: number;
  readonly leaderEpoch: number;
  readonly preferredSuccessors: readonly number[];
  readonly correlation: number;
}

/** The response to BeginQuorumEpoch and EndQuorumEpoch: the responder's epoch and leader. */
export interface QuorumEpochResponse {
  readonly kind: 'quorumEpochResponse';
  readonly from: number;
  readonly to: number;
  readonly errorCode: number;
  readonly leaderEpoch: number;
  readonly leaderId: number;
  readonly correlation: number;
}

export interface FetchRequest {
  readonly kind: 'fetch';
  readonly from: number;
  readonly to: number;
  readonly currentLeaderEpoch: number;
  readonly fetchOffset: number;
  readonly lastFetchedEpoch: number;
  readonly maxWaitMs: number;
  readonly correlation: number;
}

export interface FetchResponse {
  readonly kind: 'fetchResponse';
  readonly from: number;
  readonly to: number;
  readonly errorCode: number;
  readonly leaderEpoch: number;
  readonly leaderId: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  /** Entries starting at the request's fetch offset (`baseOffset` says so explicitly). */
  readonly baseOffset: number;
  readonly entries: readonly Entry[];
  /** Set when the follower's log diverges: truncate to at most this and fetch again. */
  readonly divergingEpoch: SnapshotId | null;
  /** Set when the fetch offset is below the leader's log start: fetch this snapshot. */
  readonly snapshotId: SnapshotId | null;
  readonly correlation: number;
}

export interface FetchSnapshotRequest {
  readonly kind: 'fetchSnapshot';
  readonly from: number;
  readonly to: number;
  readonly currentLeaderEpoch: number;
  readonly snapshotId: SnapshotId;
  readonly position: number;
  readonly correlation: number;
}

export interface FetchSnapshotResponse {
  readonly kind: 'fetchSnapshotResponse';
  readonly from: number;
  readonly to: number;
  readonly errorCode: number;
  readonly leaderEpoch: number;
  readonly leaderId: number;
  readonly snapshotId: SnapshotId;
  readonly size: number;
  readonly position: number;
  readonly bytes: Uint8Array;
  readonly correlation: number;
}

export type RaftRequest =
  | VoteRequest
  | BeginQuorumEpochRequest
  | EndQuorumEpochRequest
  | FetchRequest
  | FetchSnapshotRequest;
export type RaftResponse = VoteResponse | QuorumEpochResponse | FetchResponse | FetchSnapshotResponse;
export type RaftMessage = RaftRequest | RaftResponse;

/** What the core persists atomically before acting on it (Kafka's QuorumStateData fields). */
export interface QuorumState {
  readonly leaderEpoch: number;
  readonly leaderId: number;
  readonly votedId: number;
}

export type RaftEvent =
  | { readonly type: 'message'; readonly message: RaftMessage }
  | { readonly type: 'tick' }
  /** The disk made the log durable up to `endOffset` for the flush tagged `logVersion`. */
  | { readonly type: 'logFlushed'; readonly endOffset: number; readonly logVersion: number }
  /** The state machine's snapshot at `id.endOffset` is durable on disk. */
  | { readonly type: 'snapshotSaved'; readonly id: SnapshotId; readonly bytes: Uint8Array }
  | { readonly type: 'append'; readonly appendId: number; readonly data: Uint8Array };

export type RaftAction =
  | { readonly type: 'send'; readonly message: RaftMessage }
  /** Write the quorum state atomically and durably before any later action. */
  | { readonly type: 'persistState'; readonly state: QuorumState }
  /** Buffered writes; durable only once a later flush completes (logFlushed). */
  | { readonly type: 'appendLog'; readonly baseOffset: number; readonly entries: readonly Entry[] }
  | { readonly type: 'truncateLog'; readonly endOffset: number }
  | { readonly type: 'flushLog'; readonly endOffset: number; readonly logVersion: number }
  /** Hand a committed entry to the state machine (in offset order, once per lifetime). */
  | { readonly type: 'apply'; readonly offset: number; readonly entry: Entry }
  /** Ask the state machine for a snapshot of everything applied so far (answer: snapshotSaved). */
  | { readonly type: 'takeSnapshot'; readonly id: SnapshotId }
  /** A snapshot fetched from the leader: store it durably, reset the log to start at its end, restore the state machine. */
  | { readonly type: 'installSnapshot'; readonly id: SnapshotId; readonly bytes: Uint8Array }
  /** Log entries below this offset are covered by a durable snapshot and may be deleted. */
  | { readonly type: 'truncatePrefix'; readonly logStartOffset: number }
  | {
      readonly type: 'appendResult';
      readonly appendId: number;
      readonly errorCode: number;
      readonly offset: number;
    }
  /** Call tick at (or after) this monotonic time. */
  | { readonly type: 'armTimer'; readonly atMs: number };

export type Role = 'unattached' | 'follower' | 'prospective' | 'candidate' | 'leader' | 'resigned';

export interface RaftConfig {
  readonly nodeId: number;
  readonly voters: readonly number[];
  /** quorum.election.timeout.ms */
  readonly electionTimeoutMs: number;
  /** quorum.fetch.timeout.ms */
  readonly fetchTimeoutMs: number;
  /** quorum.request.timeout.ms */
  readonly requestTimeoutMs: number;
  /** quorum.election.backoff.max.ms */
  readonly electionBackoffMaxMs: number;
  /** How long the leader parks a fetch that finds no new entries. */
  readonly fetchMaxWaitMs: number;
  readonly fetchMaxEntries: number;
  readonly fetchMaxBytes: number;
  readonly snapshotChunkBytes: number;
  /** Take a snapshot once this many entries were applied since the last one (0: never). */
  readonly snapshotIntervalEntries: number;
  /** Back-pressure: appends waiting for commit beyond this are refused. */
  readonly maxPendingAppends: number;
  /** Deliberate bugs for the simulator's canary mode; never set outside tests. */
  readonly canary?: 'commitWithoutMajority' | 'forgetVote' | 'noEpochCheckOnCommit';
}

/** Kafka's defaults for the quorum.* configs, and bounds of our own. */
export const DEFAULT_CONFIG: Omit<RaftConfig, 'nodeId' | 'voters'> = {
  electionTimeoutMs: 1000,
  fetchTimeoutMs: 2000,
  requestTimeoutMs: 2000,
  electionBackoffMaxMs: 1000,
  fetchMaxWaitMs: 500,
  fetchMaxEntries: 2000,
  fetchMaxBytes: 8 * 1024 * 1024,
  snapshotChunkBytes: 1024 * 1024,
  snapshotIntervalEntries: 20_000,
  maxPendingAppends: 10_000,
};
