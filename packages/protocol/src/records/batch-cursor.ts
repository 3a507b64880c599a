import type { RecordHeader } from './record.js';
import { RecordBatchError } from './record-batch-error.js';

/** Each header takes at least 2 bytes (key length + value length), which bounds a claimed header count. */
const HEADER_BYTES_MIN = 2;
const NO_HEADERS: readonly RecordHeader[] = [];

function invalid(message: string): RecordBatchError {
  return new RecordBatchError('invalid-record', message);
}

/**
 * Walks the records of one v2 batch's record bytes (after the 61-byte header,
 * decompressed). next() reads one record's fields into the cursor without
 * allocating; key() / value() are then views of the bytes (no copy) and only
 * made for the records handed out. Every malformed length throws
 * RecordBatchError('invalid-record'); reads never leave the record's bytes.
 */
export class BatchCursor {
  /** Records not yet read. */
  remaining: number;
  offsetDelta = 0;
  timestampDelta = 0;
  private p: number;
  private recordStart = 0;
  private keyAt = 0;
  private keyLength = -1;
  private valueAt = 0;
  private valueLength = -1;
  private headerList: readonly RecordHeader[] = NO_HEADERS;

  constructor(
    private readonly bytes: Buffer,
    start: number,
    private readonly end: number,
    recordCount: number,
  ) {
    this.p = start;
    this.remaining = recordCount;
  }

  /** Reads the next record; false when the batch has no more (after checking no bytes are left over). */
  next(): boolean {
    if (this.remaining === 0) {
      if (this.p !== this.end) throw invalid(`${this.end - this.p} bytes follow the batch's last record`);
      return false;
    }
    this.recordStart = this.p;
    const length = this.varint();
    const recordEnd = this.p + length;
    if (length < 0 || recordEnd > this.end) {
      throw invalid(`record length ${length} exceeds the ${this.end - this.p} bytes left`);
    }
    this.p++; // attributes: unused by Kafka
    this.timestampDelta = this.varlong();
    this.offsetDelta = this.varint();
    this.keyLength = this.nullableLength(recordEnd, 'record key');
    this.keyAt = this.p;
    if (this.keyLength > 0) this.p += this.keyLength;
    this.valueLength = this.nullableLength(recordEnd, 'record value');
    this.valueAt = this.p;
    if (this.valueLength > 0) this.p += this.valueLength;
    const headerCount = this.varint();
    if (headerCount < 0 || headerCount * HEADER_BYTES_MIN > recordEnd - this.p) {
      throw invalid(`record header count ${headerCount} is invalid`);
    }
    this.headerList = headerCount === 0 ? NO_HEADERS : this.readHeaders(headerCount, recordEnd);
    if (this.p !== recordEnd) throw invalid(`record has ${recordEnd - this.p} bytes after its last field`);
    this.remaining--;
    return true;
  }

  /** Puts the last record back, so the next next() reads it again (after a deserializer failed on it). */
  unread(): void {
    this.p = this.recordStart;
    this.remaining++;
  }

  key(): Buffer | null {
    return this.keyLength < 0 ? null : this.bytes.subarray(this.keyAt, this.keyAt + this.keyLength);
  }

  value(): Buffer | null {
    return this.valueLength < 0 ? null : this.bytes.subarray(this.valueAt, this.valueAt + this.valueLength);
  }

  /** The record's headers: a new array each call, so a caller may keep or change it. */
  headers(): RecordHeader[] {
    return this.headerList.length === 0 ? [] : this.headerList.slice();
  }

  private readHeaders(count: number, recordEnd: number): RecordHeader[] {
    const headers: RecordHeader[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const keyLength = this.nullableLength(recordEnd, 'header key');
      if (keyLength < 0) throw invalid('record header key is null');
      const key = this.bytes.toString('utf8', this.p, this.p + keyLength);
      this.p += keyLength;
      const valueLength = this.nullableLength(recordEnd, 'header value');
      const value = valueLength < 0 ? null : this.bytes.subarray(this.p, this.p + valueLength);
      if (valueLength > 0) this.p += valueLength;
      headers[i] = { key, value };
    }
    return headers;
  }

  /** A length prefix: -1 is null, anything else negative or past the record is malformed. */
  private nullableLength(recordEnd: number, what: string): number {
    const length = this.varint();
    if (length < -1 || this.p + length > recordEnd) throw invalid(`${what} has invalid length ${length}`);
    return length;
  }

  /** Zig-zag int32 varint (at most 5 bytes). */
  private varint(): number {
    const buf = this.bytes;
    let p = this.p;
    let b = buf[p++]!;
    let u = b & 0x7f;
    if (b & 0x80) {
      b = buf[p++]!;
      u |= (b & 0x7f) << 7;
      if (b & 0x80) {
        b = buf[p++]!;
        u |= (b & 0x7f) << 14;
        if (b & 0x80) {
          b = buf[p++]!;
          u |= (b & 0x7f) << 21;
          if (b & 0x80) {
            b = buf[p++]!;
            if (b > 0x0f) throw invalid('varint overflows 32 bits');
            u |= b << 28;
          }
        }
      }
    }
    // A varint cut off by the end reads bytes past it (or undefined, which stops the loop): caught here.
    if (p > this.end) throw invalid('record truncated inside a varint');
    this.p = p;
    return (u >>> 1) ^ -(u & 1);
  }

  /** Zig-zag varlong as a number (exact up to 2^53, as @fluxo/protocol's Reader reads it). */
  private varlong(): number {
    const buf = this.bytes;
    let p = this.p;
    let u = 0;
    let scale = 1;
    // Seven bytes hold 49 bits, exact in a double; longer encodings (rare: far-off timestamps) continue in bigint.
    for (let i = 0; i < 7; i++) {
      const b = buf[p++]!;
      u += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (p > this.end) throw invalid('record truncated inside a varlong');
        this.p = p;
        return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
      }
      scale *= 128;
    }
    let big = BigInt(u);
    for (let shift = 49n; shift < 70n; shift += 7n) {
      const b = buf[p++] ?? 0;
      big |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (p > this.end) throw invalid('record truncated inside a varlong');
        this.p = p;
        return Number(big & 1n ? -((big + 1n) >> 1n) : big >> 1n);
      }
    }
    throw invalid('varlong longer than 10 bytes');
  }
}
