import { uuidToBytes } from './uuid.js';

/** Byte fields at least this large are referenced, not copied, when written. */
const ZERO_COPY_THRESHOLD_BYTES = 4096;
const INITIAL_CAPACITY_BYTES = 256;
/** Largest |v| whose zig-zag form (2|v|) a double holds exactly. */
const VARLONG_FAST_MAX = 2 ** 52;

/**
 * An append-only writer into a growable buffer. Large byte fields (record
 * batches) are kept as references so a Fetch response can be handed to
 * writev without copying the records; `chunks()` returns the pieces in order.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Sealed pieces before `buf`, in order. */
  private readonly sealed: Buffer[] = [];
  private sealedBytes = 0;

  constructor(capacity = INITIAL_CAPACITY_BYTES) {
    // Growth doubles the capacity, so it must start above zero.
    this.buf = Buffer.allocUnsafe(Math.max(16, capacity));
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.sealedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < this.pos + n) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }
  writeInt8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }
  writeInt16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }
  writeUInt16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  writeInt32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }
  writeUInt32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }
  writeInt64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }
  writeFloat64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }
  writeUuid(v: string): void {
    this.writeRaw(uuidToBytes(v));
  }

  writeUVarint(v: number): void {
    this.ensure(5);
    let value = v >>> 0;
    while (value >= 0x80) {
      this.buf[this.pos++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    this.buf[this.pos++] = value;
  }
  writeVarint(v: number): void {
    this.writeUVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }
  /** Zig-zag varlong from a number (exact for every safe integer). */
  writeVarlong(v: number): void {
    // Past ±2^52 the zig-zag value 2|v| no longer fits a double exactly; take the bigint path.
    if (v > VARLONG_FAST_MAX || v < -VARLONG_FAST_MAX) {
      this.writeVarlongBig(BigInt(v));
      return;
    }
    let u = v >= 0 ? v * 2 : -v * 2 - 1;
    this.ensure(10);
    while (u >= 0x80) {
      this.buf[this.pos++] = (u % 0x80) | 0x80;
      u = Math.floor(u / 0x80);
    }
    this.buf[this.pos++] = u;
  }

  private writeVarlongBig(v: bigint): void {
    let u = v >= 0n ? v << 1n : (-v << 1n) - 1n;
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  private writeUtf8(v: string, len: number): void {
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }
  writeString(v: string): void {
    const len = Buffer.byteLength(v, 'utf8');
    this.writeInt16(len);
    this.writeUtf8(v, len);
  }
  writeNullableString(v: string | null): void {
    if (v === null) this.writeInt16(-1);
    else this.writeString(v);
  }
  writeCompactString(v: string): void {
    const len = Buffer.byteLength(v, 'utf8');
    this.writeUVarint(len + 1);
    this.writeUtf8(v, len);
  }
  writeCompactNullableString(v: string | null): void {
    if (v === null) this.writeUVarint(0);
    else this.writeCompactString(v);
  }

  /** Appends bytes; large ones are referenced rather than copied. */
  writeRaw(v: Uint8Array): void {
    if (v.length >= ZERO_COPY_THRESHOLD_BYTES) {
      this.seal();
      const view = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
      this.sealed.push(view);
      this.sealedBytes += v.length;
      return;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }
  writeBytes(v: Uint8Array): void {
    this.writeInt32(v.length);
    this.writeRaw(v);
  }
  writeNullableBytes(v: Uint8Array | null): void {
    if (v === null) this.writeInt32(-1);
    else this.writeBytes(v);
  }
  writeCompactBytes(v: Uint8Array): void {
    this.writeUVarint(v.length + 1);
    this.writeRaw(v);
  }
  writeCompactNullableBytes(v: Uint8Array | null): void {
    if (v === null) this.writeUVarint(0);
    else this.writeCompactBytes(v);
  }

  writeArrayLength(n: number): void {
    this.writeInt32(n);
  }
  writeCompactArrayLength(n: number): void {
    this.writeUVarint(n + 1);
  }

  /**
   * Overwrites an int32 at an absolute position this writer wrote itself (e.g. a
   * size prefix reserved with writeInt32). Byte by byte, so it is correct even
   * where the four bytes fall across two pieces.
   */
  patchInt32(position: number, v: number): void {
    for (let i = 0; i < 4; i++) this.patchByte(position + i, (v >>> (24 - 8 * i)) & 0xff);
  }

  private patchByte(position: number, byte: number): void {
    let at = position;
    for (const piece of this.sealed) {
      if (at < piece.length) {
        piece[at] = byte;
        return;
      }
      at -= piece.length;
    }
    if (at >= this.pos) throw new RangeError(`patch position ${position} is beyond the ${this.length} bytes written`);
    this.buf[at] = byte;
  }

  private seal(): void {
    if (this.pos === 0) return;
    const piece = this.buf.subarray(0, this.pos);
    this.sealed.push(piece);
    this.sealedBytes += this.pos;
    // Keep writing into the unused tail of the same allocation when it is worth it.
    const tail = this.buf.length - this.pos;
    this.buf =
      tail >= INITIAL_CAPACITY_BYTES ? this.buf.subarray(this.pos) : Buffer.allocUnsafe(INITIAL_CAPACITY_BYTES);
    this.pos = 0;
  }

  /** The written bytes as a list of pieces (for writev); the writer must not be used afterwards. */
  chunks(): Buffer[] {
    const out = this.sealed.slice();
    if (this.pos > 0) out.push(this.buf.subarray(0, this.pos));
    return out;
  }

  /** The written bytes as one buffer (copies only when there are several pieces). */
  toBuffer(): Buffer {
    const pieces = this.chunks();
    if (pieces.length === 1) return pieces[0]!;
    return Buffer.concat(pieces, this.length);
  }
}
