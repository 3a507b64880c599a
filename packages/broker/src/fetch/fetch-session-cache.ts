import { randomInt } from 'node:crypto';

/** One partition a fetch session tracks (KIP-227), with what the last response told the client. */
export interface SessionPartition {
  readonly topicId: string;
  topicName: string;
  readonly partition: number;
  fetchOffset: bigint;
  maxBytes: number;
  /** Values last sent; an incremental response includes the partition when one changes. */
  sentHighWatermark: bigint;
  sentLogStartOffset: bigint;
  sentLastStableOffset: bigint;
}

export class FetchSession {
  /** The epoch the next incremental request must carry. */
  epoch = 1;
  /** Iteration order is response order; partitions that returned data move to the back (fairness). */
  readonly partitions = new Map<string, SessionPartition>();
  constructor(
    readonly id: number,
    readonly usesTopicIds: boolean,
    public lastUsedMs: number,
  ) {}

  /** Kafka's nextEpoch: wraps from Int32.MAX to 1 (0 and -1 are reserved). */
  advanceEpoch(): void {
    this.epoch = this.epoch === 0x7fffffff ? 1 : this.epoch + 1;
  }
}

export const sessionPartitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** Kafka's max.incremental.fetch.session.cache.slots default. */
export const FETCH_SESSION_CACHE_SLOTS = 1000;

/**
 * Fetch sessions by id, at most `slots` of them; when full, the least
 * recently used session is evicted to make room (its client gets
 * FETCH_SESSION_ID_NOT_FOUND and starts a new one).
 */
export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();
  evictions = 0;

  constructor(readonly slots = FETCH_SESSION_CACHE_SLOTS) {}

  get size(): number {
    return this.sessions.size;
  }

  get(id: number, nowMs: number): FetchSession | undefined {
    const session = this.sessions.get(id);
    if (session !== undefined) {
      // Re-insert so Map order is least recently used first.
      this.sessions.delete(id);
      this.sessions.set(id, session);
      session.lastUsedMs = nowMs;
    }
    return session;
  }

  remove(id: number): boolean {
    return this.sessions.delete(id);
  }

  /** A new session with a fresh random id, or undefined when the cache has no slots at all. */
  create(usesTopicIds: boolean, nowMs: number): FetchSession | undefined {
    if (this.slots <= 0) return undefined;
    if (this.sessions.size >= this.slots) {
      const oldest = this.sessions.keys().next().value as number;
      this.sessions.delete(oldest);
      this.evictions++;
    }
    let id = randomInt(1, 0x7fffffff);
    while (this.sessions.has(id)) id = randomInt(1, 0x7fffffff);
    const session = new FetchSession(id, usesTopicIds, nowMs);
    this.sessions.set(id, session);
    return session;
  }
}
