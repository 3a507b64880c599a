import { hash } from 'node:crypto';

/** Bytes one entry costs: a 16-byte MD5 of the key, its offset (float64, exact below 2^53) and an occupancy byte. */
export const KEY_OFFSET_MAP_ENTRY_BYTES = 25;
const INITIAL_SLOTS = 1 << 12;

/**
 * Kafka's SkimpyOffsetMap: key → latest offset, keyed by the MD5 of the key
 * bytes, in memory bounded by log.cleaner.dedupe.buffer.size. Two keys with
 * the same MD5 would share an entry (the older one's records would be dropped
 * as superseded); at 2^-128 per pair that is accepted, as in Kafka. Open
 * addressing with linear probing; the table starts small and doubles up to
 * the memory bound, so a small dirty section never allocates the whole buffer.
 */
export class KeyOffsetMap {
  /** Most slots the memory bound allows, and the entries that may be put (loadFactor of the slots). */
  readonly maxSlots: number;
  readonly maxEntries: number;
  private slots = 0;
  private hashes = new Uint32Array(0);
  private offsets = new Float64Array(0);
  private used = new Uint8Array(0);
  private count = 0;
  /** The last offset put or passed over (Kafka's latestOffset); the cleaner cleans up to it. */
  latestOffset = -1n;

  constructor(memoryBytes: number, loadFactor: number) {
    this.maxSlots = Math.max(2, Math.floor(memoryBytes / KEY_OFFSET_MAP_ENTRY_BYTES));
    this.maxEntries = Math.max(1, Math.floor(this.maxSlots * loadFactor));
    this.resize(Math.min(INITIAL_SLOTS, this.maxSlots));
  }

  get size(): number {
    return this.count;
  }

  /** Whether `n` more keys are sure to fit. */
  hasRoomFor(n: number): boolean {
    return this.count + n <= this.maxEntries;
  }

  put(key: Uint8Array, offset: bigint): void {
    const digest = hash('md5', key, 'buffer');
    if (this.count + 1 > this.slots * 0.75 && this.slots < this.maxSlots)
      this.resize(Math.min(this.slots * 2, this.maxSlots));
    const slot = this.find(digest);
    if (this.used[slot] === 0) {
      if (this.count >= this.maxEntries) throw new Error('key offset map is full');
      this.used[slot] = 1;
      this.hashes.set(words(digest), slot * 4);
      this.count++;
    }
    this.offsets[slot] = Number(offset);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** The latest offset put for this key, or -1n. */
  get(key: Uint8Array): bigint {
    const slot = this.find(hash('md5', key, 'buffer'));
    return this.used[slot] === 0 ? -1n : BigInt(this.offsets[slot]);
  }

  /** Kafka's updateLatestOffset: a batch was passed whose keys are all in the map. */
  updateLatestOffset(offset: bigint): void {
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  /** Fraction of the memory bound in use (Kafka's buffer utilization). */
  get utilization(): number {
    return this.count / this.maxSlots;
  }

  /** The slot holding this digest, or the empty slot where it would go. */
  private find(digest: Buffer): number {
    const w0 = digest.readUInt32LE(0);
    const w1 = digest.readUInt32LE(4);
    const w2 = digest.readUInt32LE(8);
    const w3 = digest.readUInt32LE(12);
    let slot = w0 % this.slots;
    for (;;) {
      if (this.used[slot] === 0) return slot;
      const at = slot * 4;
      const h = this.hashes;
      if (h[at] === w0 && h[at + 1] === w1 && h[at + 2] === w2 && h[at + 3] === w3) return slot;
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }

  private resize(slots: number): void {
    const oldHashes = this.hashes;
    const oldOffsets = this.offsets;
    const oldUsed = this.used;
    const oldSlots = this.slots;
    this.slots = slots;
    this.hashes = new Uint32Array(slots * 4);
    this.offsets = new Float64Array(slots);
    this.used = new Uint8Array(slots);
    for (let s = 0; s < oldSlots; s++) {
      if (oldUsed[s] === 0) continue;
      const w0 = oldHashes[s * 4];
      let slot = w0 % slots;
      while (this.used[slot] !== 0) slot = slot + 1 === slots ? 0 : slot + 1;
      this.used[slot] = 1;
      this.hashes.set(oldHashes.subarray(s * 4, s * 4 + 4), slot * 4);
      this.offsets[slot] = oldOffsets[s];
    }
  }
}

function words(digest: Buffer): Uint32Array {
  return new Uint32Array([
    digest.readUInt32LE(0),
    digest.readUInt32LE(4),
    digest.readUInt32LE(8),
    digest.readUInt32LE(12),
  ]);
}
