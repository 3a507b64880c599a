import { assert } from '@fluxo/core';
import type { Entry, SnapshotId } from './types.js';

/**
 * The core's view of the log: entries from the log start offset (the latest snapshot's
 * end) to the log end offset. The driver keeps the disk in step through the actions
 * the core returns; this class only models the contents.
 */
export class MemoryLog {
  private entries: Entry[];
  private startOffset: number;
  private snapshot: SnapshotId;

  constructor(snapshot: SnapshotId, entries: readonly Entry[]) {
    this.snapshot = snapshot;
    this.startOffset = snapshot.endOffset;
    this.entries = [...entries];
    for (let i = 1; i < this.entries.length; i++)
      assert(this.entries[i - 1].epoch <= this.entries[i].epoch, 'epochs grow');
    if (this.entries.length > 0) assert(this.entries[0].epoch >= snapshot.epoch, 'entries after the snapshot epoch');
  }

  get logStartOffset(): number {
    return this.startOffset;
  }
  get endOffset(): number {
    return this.startOffset + this.entries.length;
  }
  get latestSnapshot(): SnapshotId {
    return this.snapshot;
  }
  /** The epoch of the last entry (or of the snapshot when the log is empty). */
  get lastEpoch(): number {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1].epoch : this.snapshot.epoch;
  }

  entryAt(offset: number): Entry {
    assert(offset >= this.startOffset && offset < this.endOffset, `offset ${offset} outside the log`);
    return this.entries[offset - this.startOffset];
  }

  /** The epoch of the entry at `offset`, where offset may be logStartOffset-1 (the snapshot's). */
  epochAt(offset: number): number {
    if (offset === this.startOffset - 1) return this.snapshot.epoch;
    if (offset < 0) return 0;
    return this.entryAt(offset).epoch;
  }

  slice(from: number, maxEntries: number, maxBytes: number): Entry[] {
    const out: Entry[] = [];
    let bytes = 0;
    for (let o = from; o < this.endOffset && out.length < maxEntries; o++) {
      const e = this.entryAt(o);
      if (out.length > 0 && bytes + e.data.length > maxBytes) break;
      bytes += e.data.length;
      out.push(e);
    }
    return out;
  }

  append(entry: Entry): number {
    assert(entry.epoch >= this.lastEpoch, 'appended epoch goes back');
    this.entries.push(entry);
    return this.endOffset - 1;
  }

  truncateTo(endOffset: number): void {
    assert(endOffset >= this.startOffset && endOffset <= this.endOffset, 'truncation outside the log');
    this.entries.length = endOffset - this.startOffset;
  }

  /** Drops entries covered by a snapshot of this log's own (committed) prefix. */
  dropPrefix(snapshot: SnapshotId): void {
    assert(snapshot.endOffset > this.startOffset && snapshot.endOffset <= this.endOffset, 'snapshot inside the log');
    assert(this.epochAt(snapshot.endOffset - 1) === snapshot.epoch, 'snapshot epoch matches the log');
    this.entries = this.entries.slice(snapshot.endOffset - this.startOffset);
    this.startOffset = snapshot.endOffset;
    this.snapshot = snapshot;
  }

  /** Replaces everything with an installed snapshot (a follower too far behind). */
  resetTo(snapshot: SnapshotId): void {
    this.entries = [];
    this.startOffset = snapshot.endOffset;
    this.snapshot = snapshot;
  }

  /**
   * Kafka's endOffsetForEpoch: the largest epoch <= `epoch` this log holds and the offset
   * where it ends (the start of the next epoch, or the log end).
   */
  endOffsetForEpoch(epoch: number): SnapshotId {
    // Binary search the first entry whose epoch is greater than `epoch`.
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid].epoch <= epoch) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) {
      // No entry at or below `epoch`: only the snapshot can answer.
      return this.snapshot.epoch <= epoch ? this.snapshot : { endOffset: -1, epoch: -1 };
    }
    return { endOffset: this.startOffset + lo, epoch: this.entries[lo - 1].epoch };
  }
}
