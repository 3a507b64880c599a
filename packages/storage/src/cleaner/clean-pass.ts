import {
  Attribute,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  BATCH_OFFSET,
  decodeRecordBatch,
  ProtocolDecodeError,
} from '@fluxo/protocol';
import type { PartitionLog } from '../log/partition-log.js';
import { CLEANED_SUFFIX } from '../segment/file-names.js';
import { LogSegment } from '../segment/log-segment.js';
import { type FilterContext, filterBatch } from './batch-filter.js';
import type { CleanableRange } from './cleanable-range.js';
import { KeyOffsetMap } from './key-offset-map.js';
import { prepareSwapEnd } from './segment-swap.js';

/** One step reads at most this much (less than log.cleaner.io.buffer.size when that is larger)... */
const STEP_BYTES = 64 * 1024;
/** ...and decodes about this many records: the step's cost is per record (decode, MD5, re-encode). */
const STEP_RECORDS = 1024;

/** The log changed under the pass (segments deleted, truncated, closed): drop it and try later. */
export class CleaningAbortedError extends Error {
  override name = 'CleaningAbortedError';
}

/** The log cannot be cleaned (corrupt batch, a batch too big for the map): Kafka marks it uncleanable. */
export class UncleanableLogError extends Error {
  override name = 'UncleanableLogError';
}

export interface CleanPassOptions {
  /** Memory for the key → offset map (log.cleaner.dedupe.buffer.size / log.cleaner.threads). */
  readonly mapMemoryBytes: number;
  /** log.cleaner.io.buffer.load.factor. */
  readonly loadFactor: number;
  /** log.cleaner.io.buffer.size: bytes read per step. */
  readonly ioBufferSize: number;
  /** Crash tests: the swap of the first group stops after this step (segment-swap.ts SwapStep). */
  readonly stopAfterSwapStep?: number;
}

export interface CleanStats {
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsKept: number;
  segmentsCleaned: number;
  /** Offset up to which this pass cleaned (the new checkpoint). */
  endOffset: bigint;
}

/** What the driver does after a step: call step() again, await flush(), or stop. */
export type StepResult = 'more' | 'flush' | 'done';

type Phase = 'map' | 'clean' | 'flush' | 'swap' | 'done';

/**
 * One cleaning of one log (Kafka's Cleaner.doClean), as small synchronous
 * steps so the event loop is never held long: (1) build the key → latest
 * offset map over the dirty section, stopping early when the map is full;
 * (2) group the segments below the map's end by segment.bytes; for each
 * group, copy what filterBatch keeps into a new `.cleaned` segment, fsync
 * it (await flush()), and swap it in. Reads between steps see the old
 * segments until the synchronous swap. Every step first checks the log
 * still holds the segments it works on (CleaningAbortedError otherwise).
 */
export class CleanPass {
  readonly stats: CleanStats = {
    bytesRead: 0,
    bytesWritten: 0,
    recordsRead: 0,
    recordsKept: 0,
    segmentsCleaned: 0,
    endOffset: -1n,
  };
  private phase: Phase = 'map';
  private readonly map: KeyOffsetMap;
  private readonly dirty: LogSegment[];
  private readonly activeProducers: Map<bigint, bigint>;
  private readonly filter: FilterContext;
  private readonly maxBatchBytes: number;
  private segmentIndex = 0;
  private position = 0;
  private groups: LogSegment[][] = [];
  private groupIndex = 0;
  private cleaned: LogSegment | undefined;
  private horizonMs = Number.POSITIVE_INFINITY;
  private swaps = 0;
  aborted = false;

  constructor(
    readonly log: PartitionLog,
    private readonly range: CleanableRange,
    private readonly nowMs: number,
    private readonly options: CleanPassOptions,
  ) {
    this.map = new KeyOffsetMap(options.mapMemoryBytes, options.loadFactor);
    this.map.latestOffset = range.firstDirty - 1n;
    const segments = log.segmentList;
    this.dirty = segments.filter(
      (s, i) =>
        i < segments.length - 1 &&
        s.baseOffset < range.firstUncleanable &&
        segments[i + 1].baseOffset > range.firstDirty,
    );
    this.activeProducers = log.activeProducerLastOffsets();
    this.maxBatchBytes = Math.max(log.config.maxMessageBytes, options.ioBufferSize);
    this.filter = {
      map: this.map,
      nowMs,
      deleteRetentionMs: log.config.deleteRetentionMs,
      maxDecompressedBytes: 64 * 1024 * 1024,
    };
    if (this.dirty.length > 0) this.position = this.dirty[0].positionOf(range.firstDirty);
    if (this.position < 0) this.position = this.dirty[0].size;
  }

  /** One bounded unit of work (about ioBufferSize bytes read). */
  step(): StepResult {
    if (this.aborted) throw new CleaningAbortedError('aborted');
    try {
      switch (this.phase) {
        case 'map':
          this.mapStep();
          return 'more';
        case 'clean':
          this.cleanStep();
          return (this.phase as Phase) === 'flush' ? 'flush' : 'more';
        case 'swap':
          this.swapStep();
          return (this.phase as Phase) === 'done' ? 'done' : 'more';
        case 'flush':
          return 'flush';
        case 'done':
          return 'done';
      }
    } catch (err) {
      if (err instanceof ProtocolDecodeError)
        throw new UncleanableLogError(`corrupt record batch: ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** fsyncs the cleaned segment on libuv's thread pool (after step() answered 'flush'). */
  async flush(): Promise<void> {
    const cleaned = this.finishCleaned();
    await cleaned.flushAsync();
    const end = this.log.offsetAfter(this.groups[this.groupIndex]);
    if (end >= 0n && !this.aborted) await prepareSwapEnd(this.log.dir, cleaned.baseOffset, end);
    this.phase = 'swap';
  }

  /** The same, synchronously (cleanNow, tests). */
  flushSync(): void {
    this.finishCleaned().flush();
    this.phase = 'swap';
  }

  /** Closes and removes a cleaned segment not yet swapped in. */
  abort(): void {
    this.aborted = true;
    this.cleaned?.delete();
    this.cleaned = undefined;
  }

  /** Earliest delete horizon still ahead among the tombstones kept (-1: none). */
  get tombstoneHorizonMs(): number {
    return Number.isFinite(this.horizonMs) ? this.horizonMs : -1;
  }

  private mapStep(): void {
    if (!this.log.holdsInactive(this.dirty)) throw new CleaningAbortedError('segments changed while mapping');
    const segment = this.dirty[this.segmentIndex];
    if (segment === undefined) return this.startCleaning();
    if (this.position >= segment.size) {
      this.segmentIndex++;
      this.position = 0;
      return;
    }
    const { batches, next } = this.readChunk(segment, this.position);
    for (const batch of batches) {
      const baseOffset = batch.readBigInt64BE(BATCH_OFFSET.baseOffset);
      const lastOffset = baseOffset + BigInt(batch.readInt32BE(BATCH_OFFSET.lastOffsetDelta));
      if (lastOffset < this.range.firstDirty) continue;
      if ((batch.readInt16BE(BATCH_OFFSET.attributes) & Attribute.control) === 0) {
        const decoded = decodeRecordBatch(batch, 0, { maxDecompressedBytes: this.filter.maxDecompressedBytes });
        let keyed = 0;
        for (const r of decoded.records) if (r.key !== null && r.offset >= this.range.firstDirty) keyed++;
        if (!this.map.hasRoomFor(keyed)) {
          if (this.map.size === 0)
            throw new UncleanableLogError(
              `a batch of ${keyed} keys at offset ${baseOffset} does not fit the offset map (${this.map.maxEntries} entries); raise log.cleaner.dedupe.buffer.size`,
            );
          return this.startCleaning(); // full: clean up to what is mapped, the rest next time
        }
        for (const r of decoded.records)
          if (r.key !== null && r.offset >= this.range.firstDirty) this.map.put(r.key, r.offset);
      }
      this.map.updateLatestOffset(lastOffset);
      this.stats.bytesRead += batch.length;
    }
    this.position = next;
  }

  /** The map is built: the segments below its end, grouped (Kafka's groupSegmentsBySize). */
  private startCleaning(): void {
    const endOffset = this.map.latestOffset + 1n;
    this.stats.endOffset = endOffset;
    const segments = this.log.segmentList.slice(0, -1).filter((s) => s.baseOffset < endOffset);
    this.groups = groupSegmentsBySize(
      segments,
      this.log.config.segmentBytes,
      this.log.config.segmentIndexBytes,
      this.range.firstUncleanable,
    );
    this.groupIndex = 0;
    this.segmentIndex = 0;
    this.position = 0;
    this.phase = this.groups.length === 0 ? 'done' : 'clean';
  }

  private cleanStep(): void {
    const group = this.groups[this.groupIndex];
    if (!this.log.holdsInactive(group)) throw new CleaningAbortedError('segments changed while cleaning');
    const cleaned = (this.cleaned ??= LogSegment.create(
      this.log.dir,
      group[0].baseOffset,
      { indexIntervalBytes: this.log.config.indexIntervalBytes, segmentIndexBytes: this.log.config.segmentIndexBytes },
      CLEANED_SUFFIX,
    ));
    const source = group[this.segmentIndex];
    if (this.position >= source.size) {
      this.segmentIndex++;
      this.position = 0;
      if (this.segmentIndex >= group.length) this.phase = 'flush';
      return;
    }
    const { batches, next } = this.readChunk(source, this.position);
    const out: Buffer[] = [];
    let nextOffset = cleaned.nextOffset;
    for (const batch of batches) {
      const producerId = batch.readBigInt64BE(BATCH_OFFSET.producerId);
      const baseOffset = batch.readBigInt64BE(BATCH_OFFSET.baseOffset);
      const lastOffset = baseOffset + BigInt(batch.readInt32BE(BATCH_OFFSET.lastOffsetDelta));
      // Kept even when emptied: a producer's last batch carries its dedup state (Kafka's RETAIN_EMPTY).
      const retainEmpty = producerId >= 0n && this.activeProducers.get(producerId) === lastOffset;
      const result = filterBatch(batch, this.filter, retainEmpty);
      this.stats.bytesRead += batch.length;
      this.stats.recordsRead += result.recordsRead;
      this.stats.recordsKept += result.recordsKept;
      if (result.tombstoneHorizonMs > this.nowMs && result.tombstoneHorizonMs < this.horizonMs)
        this.horizonMs = result.tombstoneHorizonMs;
      if (result.output === null) continue;
      out.push(result.output);
      nextOffset = lastOffset + 1n;
    }
    if (out.length > 0) {
      const bytes = out.length === 1 ? out[0] : Buffer.concat(out);
      cleaned.append(bytes, nextOffset, this.nowMs);
      this.stats.bytesWritten += bytes.length;
    }
    this.position = next;
  }

  private finishCleaned(): LogSegment {
    const cleaned = this.cleaned;
    if (cleaned === undefined || this.aborted) throw new CleaningAbortedError('nothing to flush');
    const group = this.groups[this.groupIndex];
    cleaned.appendFinalTimeEntry();
    // Retention counts from the last write: the cleaned segment keeps its sources' (Kafka does the same).
    let modified = 0;
    for (const s of group) if (s.lastModifiedMs > modified) modified = s.lastModifiedMs;
    cleaned.setLastModified(modified);
    cleaned.firstAppendMs = -1;
    return cleaned;
  }

  private swapStep(): void {
    const group = this.groups[this.groupIndex];
    const cleaned = this.cleaned;
    if (cleaned === undefined) throw new CleaningAbortedError('no cleaned segment');
    const stopAfter = this.swaps === 0 ? (this.options.stopAfterSwapStep ?? 0) : 0;
    if (!this.log.replaceWithCleaned(cleaned, group, stopAfter)) throw new CleaningAbortedError('segments changed');
    // An emptied cleaned segment keeps its place (as in Kafka): it holds the group's base offset and mtime.
    this.cleaned = undefined;
    this.swaps++;
    this.stats.segmentsCleaned += group.length;
    if (stopAfter !== 0) {
      cleaned.abandon(); // the crash test reopens the directory; this descriptor is not in the log
      this.aborted = true;
      this.phase = 'done';
      return;
    }
    this.groupIndex++;
    this.segmentIndex = 0;
    this.position = 0;
    this.phase = this.groupIndex < this.groups.length ? 'clean' : 'done';
  }

  /**
   * Whole batches from `position`: at most STEP_BYTES of them (one larger batch alone) and no more
   * batches once STEP_RECORDS records are counted, so one step stays short however well the data
   * compresses. Corrupt framing throws.
   */
  private readChunk(segment: LogSegment, position: number): { batches: Buffer[]; next: number } {
    const want = Math.min(this.options.ioBufferSize, STEP_BYTES, segment.size - position);
    let chunk = segment.readAt(position, want);
    const batches: Buffer[] = [];
    let at = 0;
    let records = 0;
    while (at + BATCH_LOG_OVERHEAD <= chunk.length) {
      const size = chunk.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
      if (size < BATCH_HEADER_SIZE || position + at + size > segment.size)
        throw new UncleanableLogError(
          `corrupt batch length ${size} at position ${position + at} of segment ${segment.baseOffset}`,
        );
      if (at + size > chunk.length) {
        if (at > 0) break;
        if (size > this.maxBatchBytes)
          throw new UncleanableLogError(`a batch of ${size} bytes is larger than the cleaner's ${this.maxBatchBytes}`);
        chunk = segment.readAt(position, size);
        if (chunk.length < size)
          throw new UncleanableLogError(`short read at ${position} of segment ${segment.baseOffset}`);
      }
      batches.push(chunk.subarray(at, at + size));
      at += size;
      records += chunk.readInt32BE(at - size + BATCH_OFFSET.recordCount);
      if (records >= STEP_RECORDS) break;
    }
    if (batches.length === 0)
      throw new UncleanableLogError(`no whole batch at ${position} of segment ${segment.baseOffset}`);
    return { batches, next: position + at };
  }
}

/**
 * Kafka's groupSegmentsBySize: consecutive segments whose total log and index
 * sizes stay within segment.bytes and segment.index.bytes, and whose offsets
 * fit one segment's int32 relative offsets, are cleaned into one segment.
 */
export function groupSegmentsBySize(
  segments: readonly LogSegment[],
  maxBytes: number,
  maxIndexBytes: number,
  firstUncleanable: bigint,
): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]];
    let logBytes = segments[i].size;
    let indexBytes = indexBytesOf(segments[i]);
    i++;
    while (i < segments.length) {
      const next = segments[i];
      const lastOffsetEstimate = (segments[i + 1]?.baseOffset ?? firstUncleanable) - 1n;
      if (
        logBytes + next.size > maxBytes ||
        indexBytes + indexBytesOf(next) > maxIndexBytes ||
        lastOffsetEstimate - group[0].baseOffset > 0x7fffffffn
      )
        break;
      group.push(next);
      logBytes += next.size;
      indexBytes += indexBytesOf(next);
      i++;
    }
    groups.push(group);
  }
  return groups;
}

function indexBytesOf(segment: LogSegment): number {
  return Math.max(segment.offsetIndex.length * 8, segment.timeIndex.length * 12);
}
