import type { ConsumerRecord } from './consumer-record.js';
import type { FetchedRecords } from './fetched-records.js';

export type ResetPolicy = 'earliest' | 'latest';

/**
 * One assigned partition: its position, where its next fetch starts, and the
 * fetched records not yet handed out (answers in arrival order, decoded as
 * they are drained).
 */
export class PartitionState<K, V> {
  /** Next offset poll() returns; null until resolved (committed offset or ListOffsets). */
  position: bigint | null = null;
  /** Next offset to fetch (ahead of position while records are buffered). */
  fetchOffset: bigint | null = null;
  /** Leader epoch of the last record handed out (committed with the offset). */
  lastLeaderEpoch = -1;
  paused = false;
  /** Bumped on seek/reset, so answers to fetches sent before it are dropped. */
  epoch = 0;
  /** In a Fetch request that has not been answered yet. */
  fetching = false;
  highWatermark = -1n;
  /** The last answer reached the end of what the broker has (high watermark, or LSO under read_committed). */
  caughtUp = false;
  private chunks: FetchedRecords<K, V>[] = [];

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** Pending reset, or null (then a seek must come first unless the group has a committed offset). */
    public reset: ResetPolicy | null,
    /** Assigned by the group: start at the committed offset, else the reset policy. */
    public useCommitted: boolean,
  ) {}

  get hasBuffered(): boolean {
    return this.chunks.length > 0;
  }

  /** Bytes of fetched records not handed out yet. */
  get bufferedBytes(): number {
    let bytes = 0;
    for (const c of this.chunks) bytes += c.remainingBytes;
    return bytes;
  }

  /** A fetched batch failed its checks: nothing more is fetched until a seek. */
  get blocked(): boolean {
    return this.chunks.some((c) => c.failed);
  }

  addFetched(chunk: FetchedRecords<K, V>): void {
    this.chunks.push(chunk);
  }

  /** Hands out buffered records until `out` holds `max`; throws as FetchedRecords.drain does. */
  drainInto(out: ConsumerRecord<K, V>[], max: number): void {
    while (out.length < max && this.chunks.length > 0) {
      const head = this.chunks[0]!;
      head.drain(out, max - out.length, this);
      if (!head.done) return;
      this.chunks.shift();
    }
  }

  seekTo(offset: bigint): void {
    this.position = offset;
    this.fetchOffset = offset;
    this.reset = null;
    this.forgetFetched();
  }

  resetTo(policy: ResetPolicy): void {
    this.position = null;
    this.fetchOffset = null;
    this.reset = policy;
    this.forgetFetched();
  }

  private forgetFetched(): void {
    this.epoch++;
    this.chunks = [];
    this.caughtUp = false;
  }
}
