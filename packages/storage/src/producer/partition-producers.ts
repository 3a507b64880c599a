import {
  deleteProducerSnapshot,
  listProducerSnapshots,
  readProducerSnapshot,
  writeProducerSnapshot,
} from './producer-snapshot-file.js';
import { type ProducerBatch, ProducerStateManager } from './producer-state.js';

/** Snapshots kept per partition (Kafka keeps one per segment; a few suffice to bound replay after a truncation). */
export const PRODUCER_SNAPSHOTS_MAX = 3;

/** Walks the batch headers of the log from `fromOffset` to its end, calling `visit` for each batch with a producer id. */
export type ProducerBatchReplay = (
  fromOffset: bigint,
  visit: (batch: ProducerBatch, baseOffset: bigint) => void,
) => void;

export interface RebuildOutcome {
  /** The snapshot the state started from (null: rebuilt from the first segment). */
  readonly snapshotOffset: bigint | null;
  /** Snapshots found corrupt or unreadable, deleted. */
  readonly problems: readonly string[];
}

/**
 * A partition's producer state and its snapshot files: snapshots are taken at
 * segment roll and clean close, and on open the newest valid one at or below
 * the log end is loaded and the batch headers after it replayed.
 */
export class PartitionProducers {
  readonly state: ProducerStateManager;

  constructor(
    private readonly dir: string,
    topicPartition: string,
  ) {
    this.state = new ProducerStateManager(topicPartition);
  }

  /**
   * Snapshots above the log end (the log lost its tail) and corrupt ones are
   * deleted; the state is the newest valid snapshot plus a replay of the
   * batches from its offset (or from the start of the log when none is left).
   */
  rebuild(logEndOffset: bigint, replay: ProducerBatchReplay): RebuildOutcome {
    this.state.clear();
    const problems: string[] = [];
    let snapshotOffset: bigint | null = null;
    const offsets = listProducerSnapshots(this.dir);
    for (let i = offsets.length - 1; i >= 0 && snapshotOffset === null; i--) {
      const offset = offsets[i];
      if (offset > logEndOffset) {
        deleteProducerSnapshot(this.dir, offset);
        continue;
      }
      const entries = readProducerSnapshot(this.dir, offset);
      if (typeof entries === 'string') {
        problems.push(`snapshot ${offset}: ${entries}`);
        deleteProducerSnapshot(this.dir, offset);
        continue;
      }
      this.state.load(entries);
      snapshotOffset = offset;
    }
    replay(snapshotOffset ?? 0n, (batch, baseOffset) => this.state.recordAppend(batch, baseOffset));
    return { snapshotOffset, problems };
  }

  /** Writes the state as of `offset` (the log end) and keeps only the newest PRODUCER_SNAPSHOTS_MAX. */
  takeSnapshot(offset: bigint): void {
    writeProducerSnapshot(this.dir, offset, this.state.entries());
    const offsets = listProducerSnapshots(this.dir);
    for (const old of offsets.slice(0, Math.max(0, offsets.length - PRODUCER_SNAPSHOTS_MAX)))
      deleteProducerSnapshot(this.dir, old);
  }

  /** Segments below `offset` were deleted: their snapshots go too, but never the newest. */
  deleteSnapshotsBelow(offset: bigint): void {
    const offsets = listProducerSnapshots(this.dir);
    for (const old of offsets.slice(0, -1)) if (old < offset) deleteProducerSnapshot(this.dir, old);
  }

  /** The log was truncated to `offset`: snapshots past it describe batches that are gone. */
  deleteSnapshotsAbove(offset: bigint): void {
    for (const o of listProducerSnapshots(this.dir)) if (o > offset) deleteProducerSnapshot(this.dir, o);
  }

  /** The log restarts empty: no snapshot and no state survive. */
  reset(): void {
    for (const o of listProducerSnapshots(this.dir)) deleteProducerSnapshot(this.dir, o);
    this.state.clear();
  }

  snapshotOffsets(): bigint[] {
    return listProducerSnapshots(this.dir);
  }
}
