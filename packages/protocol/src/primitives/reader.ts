import { ProtocolDecodeError } from './protocol-error.js';
import { uuidFromBytes } from './uuid.js';

/** An unknown tagged field, kept as raw bytes so it can be written back unchanged. */
export interface RawTaggedField {
  tag: number;
  data: Buffer;
}

/**
 * A bounds-checked cursor over a Buffer. Every read checks the bytes exist and
 * no length prefix may claim more bytes than remain, so a hostile 2^31 length
 * on a 10-byte input fails at once instead of allocating.
 * Byte fields are returned as views (subarray) of the input, never copied.
 */
export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private need(n: number): number {
    const at = this.offset;
    if (n > this.end - at) {
      throw new ProtocolDecodeError(`truncated: need ${n} bytes at offset ${at}, have ${this.end - at}`);
    }
    this.offset = at + n;
    return at;
  }

  readBool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }
  readInt8(): number {
    return this.buf.readInt8(this.need(1));
  }
  readInt16(): number {
    return this.buf.readInt16BE(this.need(2));
  }
  readUInt16(): number {
    return this.buf.readUInt16BE(this.need(2));
  }
  readInt32(): number {
    return this.buf.readInt32BE(this.need(4));
  }
  readUInt32(): number {
    return this.buf.readUInt32BE(this.need(4));
  }
  readInt64(): bigint {
    return this.buf.readBigInt64BE(this.need(8));
  }
  readFloat64(): number {
    return this.buf.readDoubleBE(this.need(8));
  }
  readUuid(): string {
    return uuidFromBytes(this.buf, this.need(16));
  }

  /** Unsigned LEB128 varint of at most 5 bytes (32 bits). */
  readUVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.buf[this.need(1)]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolDecodeError('varint overflows 32 bits');
        return value;
      }
    }
    throw new ProtocolDecodeError('varint longer than 5 bytes');
  }

  /** Zig-zag signed varint (int32). */
  readVarint(): number {
    const u = this.readUVarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zig-zag signed varlong (int64) as a number; exact for safe integers, which covers timestamps and deltas. */
  readVarlong(): number {
    let u = 0;
    // Seven bytes hold 49 bits, exact in a double; longer encodings continue in bigint.
    for (let shift = 0; shift < 49; shift += 7) {
      const b = this.buf[this.need(1)]!;
      u += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
    }
    let big = BigInt(u);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      const b = this.buf[this.need(1)]!;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return Number(big & 1n ? -((big + 1n) >> 1n) : big >> 1n);
    }
    throw new ProtocolDecodeError('varlong longer than 10 bytes');
  }

  private lengthOrThrow(len: number, what: string): number {
    if (len > this.end - this.offset) {
      throw new ProtocolDecodeError(`${what} length ${len} exceeds the ${this.end - this.offset} bytes left`);
    }
    return len;
  }

  private utf8(len: number): string {
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  readString(): string {
    const len = this.readInt16();
    if (len < 0) throw new ProtocolDecodeError('null string in a non-nullable field');
    return this.utf8(this.lengthOrThrow(len, 'string'));
  }
  readNullableString(): string | null {
    const len = this.readInt16();
    if (len < 0) {
      if (len !== -1) throw new ProtocolDecodeError(`invalid string length ${len}`);
      return null;
    }
    return this.utf8(this.lengthOrThrow(len, 'string'));
  }
  readCompactString(): string {
    const len = this.readUVarint() - 1;
    if (len < 0) throw new ProtocolDecodeError('null string in a non-nullable field');
    return this.utf8(this.lengthOrThrow(len, 'string'));
  }
  readCompactNullableString(): string | null {
    const len = this.readUVarint() - 1;
    if (len < 0) return null;
    return this.utf8(this.lengthOrThrow(len, 'string'));
  }

  /** A view of the next n bytes (no copy). */
  readRaw(n: number): Buffer {
    const at = this.need(this.lengthOrThrow(n, 'bytes'));
    return this.buf.subarray(at, at + n);
  }
  readBytes(): Buffer {
    const len = this.readInt32();
    if (len < 0) throw new ProtocolDecodeError('null bytes in a non-nullable field');
    return this.readRaw(len);
  }
  readNullableBytes(): Buffer | null {
    const len = this.readInt32();
    if (len < 0) {
      if (len !== -1) throw new ProtocolDecodeError(`invalid bytes length ${len}`);
      return null;
    }
    return this.readRaw(len);
  }
  readCompactBytes(): Buffer {
    const len = this.readUVarint() - 1;
    if (len < 0) throw new ProtocolDecodeError('null bytes in a non-nullable field');
    return this.readRaw(len);
  }
  readCompactNullableBytes(): Buffer | null {
    const len = this.readUVarint() - 1;
    if (len < 0) return null;
    return this.readRaw(len);
  }

  /**
   * An array length; -1 is null. Every element takes at least one byte, so a
   * count above the bytes left is malformed and is refused before allocating.
   */
  readArrayLength(): number {
    const n = this.readInt32();
    if (n < -1) throw new ProtocolDecodeError(`invalid array length ${n}`);
    if (n > this.end - this.offset) throw new ProtocolDecodeError(`array length ${n} exceeds the bytes left`);
    return n;
  }
  readCompactArrayLength(): number {
    const n = this.readUVarint() - 1;
    if (n > this.end - this.offset) throw new ProtocolDecodeError(`array length ${n} exceeds the bytes left`);
    return n;
  }

  /** Reads the tagged-field section, handing known tags to `onTag` and returning the unknown ones. */
  readTaggedFields(onTag: (tag: number, r: Reader) => boolean): RawTaggedField[] | undefined {
    const count = this.readUVarint();
    if (count > this.end - this.offset) throw new ProtocolDecodeError('tagged field count exceeds the bytes left');
    let unknown: RawTaggedField[] | undefined;
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const tag = this.readUVarint();
      if (tag <= previous) throw new ProtocolDecodeError(`tagged fields out of order: ${tag} after ${previous}`);
      previous = tag;
      const size = this.readUVarint();
      const data = this.readRaw(size);
      const fieldReader = new Reader(data);
      if (onTag(tag, fieldReader)) {
        if (fieldReader.remaining !== 0)
          throw new ProtocolDecodeError(`tagged field ${tag} has ${fieldReader.remaining} trailing bytes`);
      } else {
        (unknown ??= []).push({ tag, data });
      }
    }
    return unknown;
  }
}
