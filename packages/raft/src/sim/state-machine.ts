import type { Entry } from '../core/index.js';

/**
 * The simulator's replicated state machine: the count of applied entries and a rolling
 * hash of them. Its snapshot is those two numbers, so a restored node can be compared
 * with the history it claims to have applied.
 */
export class HashStateMachine {
  constructor(
    public appliedOffset = 0,
    public hash = 0,
  ) {}

  apply(entry: Entry): void {
    this.hash = mix(this.hash, entryDigest(entry));
    this.appliedOffset += 1;
  }

  snapshot(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.appliedOffset);
    view.setUint32(4, this.hash);
    return out;
  }

  static restore(bytes: Uint8Array): HashStateMachine {
    if (bytes.length === 0) return new HashStateMachine();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new HashStateMachine(view.getUint32(0), view.getUint32(4));
  }
}

/** FNV-1a over the epoch, the control flag and the bytes. */
export function entryDigest(entry: Entry): number {
  let h = 0x811c9dc5;
  h = Math.imul(h ^ entry.epoch, 0x01000193);
  h = Math.imul(h ^ (entry.control ? 1 : 0), 0x01000193);
  for (const b of entry.data) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

export function mix(hash: number, digest: number): number {
  return (Math.imul(hash ^ digest, 0x9e3779b1) + 0x7f4a7c15) >>> 0;
}
