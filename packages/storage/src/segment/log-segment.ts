import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  futimesSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { BATCH_LOG_OVERHEAD, BATCH_OFFSET } from '@fluxo/protocol';
import { type ScannedBatch, readFully, scanBatches } from './batch-scanner.js';
import { type SegmentPaths, segmentPaths } from './file-names.js';
import { SparseIndex } from './sparse-index.js';

const OFFSET_ENTRY_BYTES = 8;
const TIME_ENTRY_BYTES = 12;
const EMPTY = Buffer.alloc(0);

export interface SegmentOptions {
  readonly indexIntervalBytes: number;
  readonly segmentIndexBytes: number;
}

/**
 * One `<base>.log` file with its `.index` and `.timeindex`. Batches are written
 * with positional fs.writeSync (the data is in the page cache when append
 * returns, so a killed process loses nothing acknowledged); fsync is flush()'s job.
 */
export class LogSegment {
  /** Offset after the last batch written here (the base offset while empty). */
  nextOffset: bigint;
  /** Largest batch maxTimestamp so far, and the last offset of that batch (-1 while none). */
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1n;
  /** Wall time the first batch arrived (or of its timestamp when reopened), for segment.ms. */
  firstAppendMs = -1;
  /** Wall time of the last write (file mtime when reopened): Kafka's fallback when batches carry no timestamp. */
  lastModifiedMs = 0;
  private bytesSinceIndexEntry = 0;
  private dirty = false;
  private closed = false;
  readonly offsetIndex: SparseIndex;
  readonly timeIndex: SparseIndex;

  private constructor(
    readonly baseOffset: bigint,
    private paths: SegmentPaths,
    private readonly fd: number,
    public size: number,
    private options: SegmentOptions,
  ) {
    this.nextOffset = baseOffset;
    const maxEntries = (bytes: number, entry: number) => Math.max(1, Math.floor(bytes / entry));
    this.offsetIndex = new SparseIndex(paths.index, 4, maxEntries(options.segmentIndexBytes, OFFSET_ENTRY_BYTES));
    this.timeIndex = new SparseIndex(paths.timeIndex, 8, maxEntries(options.segmentIndexBytes, TIME_ENTRY_BYTES));
  }

  /** A new, empty segment; `suffix` names the cleaner's work in progress (`.cleaned`). */
  static create(dir: string, baseOffset: bigint, options: SegmentOptions, suffix = ''): LogSegment {
    const paths = segmentPaths(dir, baseOffset, suffix);
    const segment = new LogSegment(baseOffset, paths, openSync(paths.log, 'w+'), 0, options);
    segment.offsetIndex.clear();
    segment.timeIndex.clear();
    segment.persistIndexes();
    return segment;
  }

  /**
   * Opens an existing segment. Batches at or after `recoveryPoint` (not known
   * to be fsynced) are validated, CRC included, and a torn or corrupt tail is
   * cut off with the indexes rebuilt; a segment wholly below it only has its
   * indexes loaded and the tail after the last index entry walked. Returns the
   * problem that caused a truncation, if any.
   */
  static open(
    dir: string,
    baseOffset: bigint,
    options: SegmentOptions,
    recoveryPoint: bigint,
  ): { segment: LogSegment; truncated: string | null } {
    const paths = segmentPaths(dir, baseOffset);
    const fd = openSync(paths.log, 'r+');
    const stat = fstatSync(fd);
    const segment = new LogSegment(baseOffset, paths, fd, stat.size, options);
    segment.lastModifiedMs = stat.mtimeMs;
    if (recoveryPoint <= baseOffset) return { segment, truncated: segment.recover() };
    let truncated = segment.loadIndexes();
    if (truncated === null && segment.nextOffset > recoveryPoint) {
      const from = segment.positionOf(recoveryPoint);
      if (from >= 0 && scanBatches(fd, from, segment.size, true, () => false).problem !== null)
        truncated = segment.recover();
    }
    return { segment, truncated };
  }

  /** The newest record timestamp, or the last write time when records carry none (retention.ms). */
  get largestTimestampMs(): number {
    return this.maxTimestamp >= 0 ? this.maxTimestamp : this.lastModifiedMs;
  }

  /** When the segment started, for segment.ms: its first batch's time, else its last write. */
  get rollingBaseMs(): number {
    return this.firstAppendMs >= 0 ? this.firstAppendMs : this.lastModifiedMs;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  updateOptions(options: SegmentOptions): void {
    this.options = options;
  }

  /** Appends already validated, offset-assigned batches; `nowMs` dates the first append (segment.ms). */
  append(records: Buffer, nextOffset: bigint, nowMs: number): void {
    let position = this.size;
    let written = 0;
    while (written < records.length)
      written += writeSync(this.fd, records, written, records.length - written, position + written);
    if (this.firstAppendMs < 0) this.firstAppendMs = nowMs;
    this.lastModifiedMs = nowMs;
    let at = 0;
    while (at < records.length) {
      const size = records.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
      const baseOffset = records.readBigInt64BE(at + BATCH_OFFSET.baseOffset);
      this.indexBatch({
        position,
        size,
        baseOffset,
        lastOffset: baseOffset + BigInt(records.readInt32BE(at + BATCH_OFFSET.lastOffsetDelta)),
        maxTimestamp: Number(records.readBigInt64BE(at + BATCH_OFFSET.maxTimestamp)),
      });
      position += size;
      at += size;
    }
    this.size = position;
    this.nextOffset = nextOffset;
    this.dirty = true;
  }

  /** Kafka's rule: an index entry once more than index.interval.bytes were written since the last. */
  private indexBatch(
    batch: Pick<ScannedBatch, 'position' | 'size' | 'baseOffset' | 'lastOffset' | 'maxTimestamp'>,
  ): void {
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp;
      this.offsetOfMaxTimestamp = batch.lastOffset;
    }
    if (this.bytesSinceIndexEntry > this.options.indexIntervalBytes) {
      this.offsetIndex.append(this.relative(batch.lastOffset), batch.position);
      this.maybeAppendTimeEntry();
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += batch.size;
  }

  private maybeAppendTimeEntry(): void {
    const last = this.timeIndex.lastKey();
    if (this.maxTimestamp >= 0 && (last === undefined || this.maxTimestamp > last))
      this.timeIndex.append(this.maxTimestamp, this.relative(this.offsetOfMaxTimestamp));
  }

  private relative(offset: bigint): number {
    return Number(offset - this.baseOffset);
  }

  /** True when the next append would overflow an index or a relative offset. */
  indexesFull(lastOffsetOfAppend: bigint): boolean {
    return this.offsetIndex.isFull || this.timeIndex.isFull || lastOffsetOfAppend - this.baseOffset > 0x7fffffffn;
  }

  /** File position of the batch holding `offset` (or the first batch after it), or -1 if none here. */
  positionOf(offset: bigint): number {
    const from = offset <= this.baseOffset ? 0 : (this.offsetIndex.floor(this.relative(offset)) ?? 0);
    let found = -1;
    scanBatches(this.fd, from, this.size, false, (b) => {
      if (b.lastOffset < offset) return false;
      found = b.position;
      return true;
    });
    return found;
  }

  /**
   * Whole batches from `position`, at most `maxBytes` of them; with
   * `minOneBatch` the first batch is returned even when larger (KIP-74).
   * Returns a fresh buffer trimmed to a batch boundary.
   */
  read(position: number, maxBytes: number, minOneBatch: boolean): Buffer {
    const available = this.size - position;
    if (available <= 0) return EMPTY;
    const limit = Math.min(maxBytes, available);
    let buf = Buffer.allocUnsafe(Math.max(limit, BATCH_LOG_OVERHEAD));
    const got = readFully(this.fd, buf, Math.min(buf.length, available), position);
    let end = 0;
    while (end + BATCH_LOG_OVERHEAD <= Math.min(got, limit)) {
      const size = buf.readInt32BE(end + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
      if (end + size > limit) break;
      end += size;
    }
    if (end > 0) return buf.subarray(0, end);
    if (!minOneBatch || got < BATCH_LOG_OVERHEAD) return EMPTY;
    const first = buf.readInt32BE(BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
    buf = Buffer.allocUnsafe(first);
    return buf.subarray(0, readFully(this.fd, buf, first, position));
  }

  /** Reads `size` bytes at `position` (one batch, for the non-hot paths). */
  readAt(position: number, size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    return buf.subarray(0, readFully(this.fd, buf, size, position));
  }

  /** Walks batch headers from `position` (see scanBatches). */
  scan(position: number, visit: (b: ScannedBatch) => boolean): void {
    scanBatches(this.fd, position, this.size, false, visit);
  }

  /** fdatasync the data, then persist the index entries. */
  flush(): void {
    if (this.closed) return;
    if (this.dirty) fdatasyncSync(this.fd);
    this.dirty = false;
    this.persistIndexes();
  }

  /** The final time index entry (seal's first half), for a segment sealed with flushAsync. */
  appendFinalTimeEntry(): void {
    this.maybeAppendTimeEntry();
  }

  /** Renames the three files to `paths` (the cleaner's suffix changes); the open descriptor stays valid. */
  renameFiles(paths: SegmentPaths): void {
    for (const [from, to] of [
      [this.paths.index, paths.index],
      [this.paths.timeIndex, paths.timeIndex],
      [this.paths.log, paths.log],
    ] as const)
      renameSync(from, to);
    this.paths = paths;
    this.offsetIndex.path = paths.index;
    this.timeIndex.path = paths.timeIndex;
  }

  /** Sets the file's mtime (a cleaned segment keeps its sources' last-modified time, for retention.ms). */
  setLastModified(ms: number): void {
    futimesSync(this.fd, ms / 1000, ms / 1000);
    this.lastModifiedMs = ms;
  }

  /** fdatasync on libuv's thread pool (a rolled segment can hold a gigabyte of dirty pages). */
  async flushAsync(): Promise<void> {
    if (this.closed || !this.dirty) return;
    this.dirty = false;
    const fd = this.fd;
    // A segment closed meanwhile (swapped out by the cleaner, deleted) has nothing left to sync.
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e && !this.closed ? reject(e) : resolve())));
    if (!this.closed) this.persistIndexes();
  }

  /** Called when the segment stops being active: the final time index entry, flushed. */
  seal(): void {
    this.maybeAppendTimeEntry();
    this.flush();
  }

  private persistIndexes(): void {
    this.offsetIndex.persist();
    this.timeIndex.persist();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }

  /** Closes the file without flushing (its directory is about to be removed). */
  abandon(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }

  /** Closes the file now and unlinks the three files on libuv's thread pool (a replaced segment, renamed `.deleted`). */
  deleteInBackground(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    for (const path of [this.paths.log, this.paths.index, this.paths.timeIndex])
      rm(path, { force: true }).catch(() => {}); // a leftover `.deleted` file is removed at the next start
  }

  /** Closes and removes the three files. */
  delete(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    for (const path of [this.paths.log, this.paths.index, this.paths.timeIndex]) rmSync(path, { force: true });
  }

  /**
   * Drops the batch holding `offset` and everything after it (a follower whose
   * log diverged), then rebuilds the indexes from what is left. Returns the new
   * next offset: below `offset` when that batch started earlier.
   */
  truncateFrom(offset: bigint): bigint {
    const position = this.positionOf(offset);
    if (position < 0) return this.nextOffset;
    this.truncateTo(position);
    if (position === 0) this.firstAppendMs = -1;
    this.recover();
    return this.nextOffset;
  }

  /** Rebuilds everything from the log, validating each batch; cuts the file at the first bad one. */
  private recover(): string | null {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1n;
    this.bytesSinceIndexEntry = 0;
    let expected = this.baseOffset;
    let outOfOrder: string | null = null;
    const outcome = scanBatches(this.fd, 0, this.size, true, (b) => {
      if (b.baseOffset < expected || b.lastOffset < b.baseOffset) {
        outOfOrder = `batch at ${b.position} has offset ${b.baseOffset}, expected at least ${expected}`;
        return true;
      }
      this.indexBatch(b);
      if (this.firstAppendMs < 0) this.firstAppendMs = b.maxTimestamp;
      expected = b.lastOffset + 1n;
      return false;
    });
    this.nextOffset = expected;
    const problem = outOfOrder ?? outcome.problem;
    if (problem !== null) this.truncateTo(outcome.end);
    this.dirty = true;
    this.flush();
    return problem;
  }

  /** Loads the indexes and walks the tail after the last entry to find nextOffset; recovers if anything is off. */
  private loadIndexes(): string | null {
    const size = this.size;
    const loaded =
      this.offsetIndex.load((position) => position >= 0 && position < size) &&
      this.timeIndex.load((relative) => relative >= 0);
    if (!loaded) return this.recover();
    const from = this.offsetIndex.lastValue() ?? 0;
    let expected = this.baseOffset;
    let lastPosition = from;
    const outcome = scanBatches(this.fd, from, size, false, (b) => {
      expected = b.lastOffset + 1n;
      lastPosition = b.position;
      if (b.maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = b.maxTimestamp;
        this.offsetOfMaxTimestamp = b.lastOffset;
      }
      if (this.firstAppendMs < 0) this.firstAppendMs = b.maxTimestamp;
      return false;
    });
    if (outcome.problem !== null || outcome.end !== size) return this.recover();
    const lastTime = this.timeIndex.lastKey();
    if (lastTime !== undefined && lastTime > this.maxTimestamp) {
      this.maxTimestamp = lastTime;
      this.offsetOfMaxTimestamp = this.baseOffset + BigInt(this.timeIndex.lastValue()!);
    }
    if (this.firstAppendMs < 0 && size > 0) this.firstAppendMs = this.readFirstTimestamp();
    this.bytesSinceIndexEntry = size - lastPosition;
    this.nextOffset = expected;
    return null;
  }

  private readFirstTimestamp(): number {
    let ts = -1;
    scanBatches(this.fd, 0, this.size, false, (b) => {
      ts = b.maxTimestamp;
      return true;
    });
    return ts;
  }

  private truncateTo(position: number): void {
    ftruncateSync(this.fd, position);
    this.size = position;
  }
}
