import type { Entry, RaftNode } from '../core/index.js';
import { entryDigest, type HashStateMachine, mix } from './state-machine.js';

/**
 * Safety invariants, checked after every step. The committed history is learned from
 * whichever node first reports an offset as committed; every later report must agree.
 * Each check returns a violation message or null.
 */
export class Invariants {
  /** Digest of the committed entry at each offset. */
  private readonly committed: number[] = [];
  /**
   * The epoch in which each offset was first seen committed (the reporting node's
   * epoch; nodes report their high watermark after every step, so this is the
   * epoch that committed it). Leader completeness is owed only to later epochs.
   */
  private readonly committedInEpoch: number[] = [];
  /** Rolling hash of the committed prefix [0, i). */
  private readonly prefixHash: number[] = [0];
  private readonly leaderOfEpoch = new Map<number, number>();
  /** Per node: the high watermark already compared with the history. */
  private readonly checkedUpTo = new Map<number, number>();
  private readonly lastHighWatermark = new Map<number, number>();

  get committedCount(): number {
    return this.committed.length;
  }

  afterStep(id: number, raft: RaftNode): string | null {
    if (raft.isLeader) {
      const known = this.leaderOfEpoch.get(raft.epoch);
      if (known === undefined) {
        this.leaderOfEpoch.set(raft.epoch, id);
        const missing = this.leaderMissesCommitted(raft);
        if (missing !== null) return missing;
      } else if (known !== id) return `two leaders in epoch ${raft.epoch}: ${known} and ${id}`;
    }
    const log = raft.log;
    if (raft.highWatermark > log.endOffset)
      return `node ${id}: HW ${raft.highWatermark} beyond its log end ${log.endOffset}`;
    const last = this.lastHighWatermark.get(id) ?? 0;
    if (raft.highWatermark < last) return `node ${id}: HW went back from ${last} to ${raft.highWatermark}`;
    this.lastHighWatermark.set(id, raft.highWatermark);
    const from = Math.max(this.checkedUpTo.get(id) ?? 0, log.logStartOffset);
    for (let o = from; o < raft.highWatermark; o++) {
      const v = this.record(o, entryDigest(log.entryAt(o)), `node ${id} HW`, raft.epoch);
      if (v !== null) return v;
    }
    this.checkedUpTo.set(id, Math.max(from, raft.highWatermark));
    return null;
  }

  /**
   * Raft's leader completeness: a leader holds every entry committed in an earlier
   * epoch. A leader of an older epoch (elected late by a delayed vote) owes nothing:
   * it can never commit, since the majority has moved to a higher epoch.
   */
  private leaderMissesCommitted(raft: RaftNode): string | null {
    const log = raft.log;
    let owed = 0;
    while (owed < this.committed.length && this.committedInEpoch[owed]! < raft.epoch) owed++;
    if (log.endOffset < owed)
      return `leader ${raft.id} of epoch ${raft.epoch} lacks committed entries (${log.endOffset} < ${owed})`;
    for (let o = log.logStartOffset; o < owed; o++)
      if (entryDigest(log.entryAt(o)) !== this.committed[o])
        return `leader ${raft.id} of epoch ${raft.epoch} has a different entry at committed offset ${o}`;
    return null;
  }

  onApply(id: number, sm: HashStateMachine, offset: number, entry: Entry): string | null {
    if (offset !== sm.appliedOffset) return `node ${id} applied offset ${offset}, expected ${sm.appliedOffset}`;
    const digest = entryDigest(entry);
    // An apply follows the node's own high watermark, already recorded with its epoch.
    const v = this.record(offset, digest, `node ${id} apply`, Number.MAX_SAFE_INTEGER);
    if (v !== null) return v;
    const hash = mix(sm.hash, digest);
    const known = this.prefixHash[offset + 1];
    if (known === undefined) this.prefixHash[offset + 1] = hash;
    else if (known !== hash) return `node ${id}: applied history differs at offset ${offset}`;
    return null;
  }

  onRestore(id: number, endOffset: number, hash: number): string | null {
    this.checkedUpTo.set(id, endOffset);
    this.lastHighWatermark.set(id, 0);
    const known = this.prefixHash[endOffset];
    if (known !== undefined && known !== hash) return `node ${id}: snapshot at ${endOffset} differs from history`;
    return null;
  }

  onAcked(offset: number, entry: Entry, data: Uint8Array | undefined): string | null {
    // The leader's high watermark covers the offset; afterStep records it in the history.
    if (data === undefined || !sameBytes(entry.data, data)) return `acknowledged append at ${offset} holds other data`;
    return null;
  }

  onCrash(id: number): void {
    this.checkedUpTo.set(id, 0);
    this.lastHighWatermark.set(id, 0);
  }

  private record(offset: number, digest: number, who: string, epoch: number): string | null {
    if (offset > this.committed.length)
      return `${who}: committed offset ${offset} beyond history ${this.committed.length}`;
    if (offset === this.committed.length) {
      this.committed.push(digest);
      this.committedInEpoch.push(epoch);
      return null;
    }
    if (this.committed[offset] !== digest) return `${who}: committed entry at offset ${offset} changed`;
    return null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
