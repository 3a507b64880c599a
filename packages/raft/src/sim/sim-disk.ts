import type { Random } from '@fluxo/core';
import {
  type Entry,
  EMPTY_DISK,
  entriesAfterSnapshot,
  type PersistedState,
  type QuorumState,
  type SnapshotId,
} from '../core/index.js';

type LogOp =
  | { readonly kind: 'append'; readonly baseOffset: number; readonly entries: readonly Entry[] }
  | { readonly kind: 'truncate'; readonly endOffset: number };

/**
 * One node's simulated disk. The quorum state and snapshots are written atomically and
 * durably (write + fsync + rename in the real driver). Log writes are buffered until a
 * flush; a crash keeps a random prefix of the unflushed writes and may tear the last one.
 */
export class SimDisk {
  quorum: QuorumState | null = null;
  snapshot: { id: SnapshotId; bytes: Uint8Array } = EMPTY_DISK.snapshot;
  private logStart = 0;
  private log: Entry[] = [];
  private pending: LogOp[] = [];
  private flushedOps = 0;

  get pendingOps(): number {
    return this.flushedOps + this.pending.length;
  }

  write(op: LogOp): void {
    this.pending.push(op);
  }

  /** Makes durable every op written before the flush was issued (`opsBefore` = pendingOps then). */
  flush(opsBefore: number): void {
    while (this.flushedOps < opsBefore && this.pending.length > 0) {
      this.applyOp(this.pending.shift()!);
      this.flushedOps += 1;
    }
  }

  saveSnapshot(id: SnapshotId, bytes: Uint8Array): void {
    this.snapshot = { id, bytes };
  }

  /** A fetched snapshot replaces the log entirely (durably, like the real driver). */
  installSnapshot(id: SnapshotId, bytes: Uint8Array): void {
    this.snapshot = { id, bytes };
    this.log = [];
    this.logStart = id.endOffset;
    this.flushedOps += this.pending.length;
    this.pending = [];
  }

  truncatePrefix(logStartOffset: number): void {
    if (logStartOffset <= this.logStart) return;
    this.log = this.log.slice(Math.min(this.log.length, logStartOffset - this.logStart));
    this.logStart = logStartOffset;
  }

  /** A crash: unflushed writes are lost, except a random prefix; the last kept append may be torn. */
  crash(random: Random, tornWrites: boolean): number {
    let lost = 0;
    const keep = tornWrites ? random.int(this.pending.length + 1) : 0;
    for (let i = 0; i < keep; i++) {
      const op = this.pending[i];
      if (i === keep - 1 && op.kind === 'append' && op.entries.length > 1 && random.int(2) === 0) {
        const torn = 1 + random.int(op.entries.length - 1);
        this.applyOp({ kind: 'append', baseOffset: op.baseOffset, entries: op.entries.slice(0, torn) });
        lost += 1;
      } else this.applyOp(op);
    }
    lost += this.pending.length - keep;
    this.pending = [];
    this.flushedOps = 0;
    return lost;
  }

  load(): PersistedState {
    const entries = entriesAfterSnapshot(this.snapshot.id, this.logStart, this.log);
    return { quorum: this.quorum, snapshot: this.snapshot, entries };
  }

  private applyOp(op: LogOp): void {
    if (op.kind === 'truncate') {
      if (op.endOffset < this.logStart + this.log.length) this.log.length = Math.max(0, op.endOffset - this.logStart);
      return;
    }
    // An append lands at its offset; entries below the log start (covered by a snapshot
    // taken meanwhile) are skipped; a gap (a tail lost before) ends the readable log there.
    const skip = Math.max(0, this.logStart - op.baseOffset);
    if (skip >= op.entries.length) return;
    const at = op.baseOffset + skip - this.logStart;
    if (at > this.log.length) return;
    this.log.length = at;
    for (let i = skip; i < op.entries.length; i++) this.log.push(op.entries[i]);
  }
}
