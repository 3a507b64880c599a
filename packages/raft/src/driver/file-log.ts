import { closeSync, constants, fdatasync, fstatSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '@fluxo/protocol';
import type { Entry } from '../core/index.js';
import { decodeEntries, ENTRY_BYTES_MAX, encodeEntries } from '../wire/entries-codec.js';
import { writeFileAtomic } from './durable-files.js';

/** Per record: int32 length of what follows the CRC, uint32 CRC32C of it, int64 offset, then the entry. */
const RECORD_HEADER_BYTES = 8;
const LOG_FILE = 'metadata.log';

/**
 * The Raft log on disk: one append-only file of length-prefixed, CRC-checked records.
 * A stop-gap until the log moves onto the shared segment storage (see DESIGN.md).
 * Writes go straight to the file (page cache); `flush` makes them durable.
 */
export class FileLog {
  private fd: number;
  /** File position of each offset's record, from logStartOffset. */
  private positions: number[] = [];
  private size = 0;
  logStartOffset = 0;
  /** What recovery found; the driver hands it to the core once and clears it. */
  recovered: Entry[] = [];

  constructor(private readonly dir: string) {
    this.fd = openSync(join(dir, LOG_FILE), constants.O_RDWR | constants.O_CREAT);
    this.recover();
  }

  /** Reads every valid record; a torn or corrupt tail (crash mid-write) is cut off. */
  private recover(): void {
    const buf = readFileSync(join(this.dir, LOG_FILE));
    let at = 0;
    let expected = -1;
    while (buf.length - at >= RECORD_HEADER_BYTES) {
      const length = buf.readInt32BE(at);
      if (length < 8 || length > ENTRY_BYTES_MAX + 64 || buf.length - at - RECORD_HEADER_BYTES < length) break;
      const body = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
      if (crc32c(body) !== buf.readUInt32BE(at + 4)) break;
      const offset = Number(body.readBigInt64BE(0));
      if (expected >= 0 && offset !== expected) break;
      if (expected < 0) this.logStartOffset = offset;
      const decoded = decodeEntries(body.subarray(8));
      if (decoded.length !== 1) break;
      this.recovered.push(decoded[0]);
      this.positions.push(at);
      expected = offset + 1;
      at += RECORD_HEADER_BYTES + length;
    }
    this.size = at;
    if (fstatSync(this.fd).size !== at) ftruncateSync(this.fd, at);
  }

  get endOffset(): number {
    return this.logStartOffset + this.positions.length;
  }

  append(baseOffset: number, entries: readonly Entry[]): void {
    if (this.positions.length === 0) this.logStartOffset = baseOffset;
    if (baseOffset !== this.endOffset) throw new Error(`log append at ${baseOffset}, end is ${this.endOffset}`);
    const start = this.size;
    const all = encodeRecords(baseOffset, entries, (pos) => this.positions.push(start + pos));
    writeSync(this.fd, all, 0, all.length, start);
    this.size += all.length;
  }

  truncateTo(endOffset: number): void {
    if (endOffset >= this.endOffset) return;
    const keep = Math.max(0, endOffset - this.logStartOffset);
    this.size = keep < this.positions.length ? this.positions[keep] : this.size;
    this.positions.length = keep;
    ftruncateSync(this.fd, this.size);
  }

  /** Entries below `offset` are in a snapshot: rewrite the file with only `keep` (atomically, durably). */
  dropPrefix(offset: number, keep: readonly Entry[]): void {
    this.positions = [];
    const all = encodeRecords(offset, keep, (pos) => this.positions.push(pos));
    closeSync(this.fd);
    writeFileAtomic(this.dir, LOG_FILE, all);
    this.fd = openSync(join(this.dir, LOG_FILE), constants.O_RDWR | constants.O_CREAT);
    this.size = all.length;
    this.logStartOffset = offset;
  }

  flush(done: (err: Error | null) => void): void {
    fdatasync(this.fd, done);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function encodeRecords(baseOffset: number, entries: readonly Entry[], position: (at: number) => void): Buffer {
  const chunks: Buffer[] = [];
  let at = 0;
  entries.forEach((e, i) => {
    const entry = encodeEntries([e]);
    const body = Buffer.allocUnsafe(8 + entry.length);
    body.writeBigInt64BE(BigInt(baseOffset + i), 0);
    entry.copy(body, 8);
    const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    header.writeInt32BE(body.length, 0);
    header.writeUInt32BE(crc32c(body), 4);
    position(at);
    at += RECORD_HEADER_BYTES + body.length;
    chunks.push(header, body);
  });
  return Buffer.concat(chunks, at);
}
