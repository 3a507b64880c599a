import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

const INITIAL_CAPACITY = 64;

/**
 * A sparse, sorted index held in memory and persisted in Kafka's file format:
 * fixed-size big-endian entries of (key, value). The offset index is
 * (relative offset int32, position int32); the time index is (timestamp int64,
 * relative offset int32). Entries are persisted on flush, roll and close; any
 * entry lost in a crash is rebuilt by recovery, which rescans the log.
 */
export class SparseIndex {
  // Typed columns, grown by doubling: 8 (offset index) or 12 (time index) bytes per entry in memory, as on disk.
  private keys: Int32Array | Float64Array;
  private values: Int32Array;
  private count = 0;
  private persisted = 0;

  constructor(
    /** Changes when the cleaner renames the segment's files (`.cleaned` → `.swap` → final). */
    public path: string,
    private readonly keyBytes: 4 | 8,
    readonly maxEntries: number,
  ) {
    this.keys = this.newKeys(INITIAL_CAPACITY);
    this.values = new Int32Array(INITIAL_CAPACITY);
  }

  private newKeys(capacity: number): Int32Array | Float64Array {
    return this.keyBytes === 4 ? new Int32Array(capacity) : new Float64Array(capacity);
  }

  get entrySize(): number {
    return this.keyBytes + 4;
  }
  get length(): number {
    return this.count;
  }
  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }
  lastKey(): number | undefined {
    return this.count === 0 ? undefined : this.keys[this.count - 1];
  }
  lastValue(): number | undefined {
    return this.count === 0 ? undefined : this.values[this.count - 1];
  }

  append(key: number, value: number): void {
    if (this.count === this.values.length) {
      const keys = this.newKeys(this.count * 2);
      keys.set(this.keys);
      const values = new Int32Array(this.count * 2);
      values.set(this.values);
      this.keys = keys;
      this.values = values;
    }
    this.keys[this.count] = key;
    this.values[this.count] = value;
    this.count++;
  }

  /** Value of the last entry whose key is <= target (< target when strict), or undefined. */
  floor(target: number, strict = false): number | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.keys[mid];
      if (strict ? key < target : key <= target) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : this.values[found];
  }

  clear(): void {
    this.keys = this.newKeys(INITIAL_CAPACITY);
    this.values = new Int32Array(INITIAL_CAPACITY);
    this.count = 0;
    this.persisted = -1; // the file must be rewritten
  }

  /** Loads the file; false if it is missing or inconsistent (not sorted, or `valueOk` rejects an entry). */
  load(valueOk: (value: number) => boolean): boolean {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch {
      return false;
    }
    const count = Math.floor(bytes.length / this.entrySize);
    if (count * this.entrySize !== bytes.length) return false;
    const keys = this.newKeys(Math.max(count, INITIAL_CAPACITY));
    const values = new Int32Array(Math.max(count, INITIAL_CAPACITY));
    for (let i = 0; i < count; i++) {
      const at = i * this.entrySize;
      keys[i] = this.keyBytes === 4 ? bytes.readInt32BE(at) : Number(bytes.readBigInt64BE(at));
      values[i] = bytes.readInt32BE(at + this.keyBytes);
      if (!valueOk(values[i]) || (i > 0 && (keys[i] < keys[i - 1] || values[i] < values[i - 1]))) return false;
    }
    this.keys = keys;
    this.values = values;
    this.count = count;
    this.persisted = count;
    return true;
  }

  /** Writes the entries not yet on disk (or the whole file after clear()). */
  persist(): void {
    if (this.persisted === this.count) return;
    const rewrite = this.persisted < 0;
    const from = rewrite ? 0 : this.persisted;
    const out = Buffer.allocUnsafe((this.count - from) * this.entrySize);
    for (let i = from; i < this.count; i++) {
      const at = (i - from) * this.entrySize;
      if (this.keyBytes === 4) out.writeInt32BE(this.keys[i], at);
      else out.writeBigInt64BE(BigInt(this.keys[i]), at);
      out.writeInt32BE(this.values[i], at + this.keyBytes);
    }
    const fd = openSync(this.path, rewrite ? 'w' : 'a');
    try {
      let written = 0;
      while (written < out.length) written += writeSync(fd, out, written, out.length - written);
    } finally {
      closeSync(fd);
    }
    this.persisted = this.count;
  }
}
