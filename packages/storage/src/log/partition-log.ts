import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { Clock } from '@fluxo/core';
import { Attribute, BATCH_LOG_OVERHEAD, BATCH_OFFSET } from '@fluxo/protocol';
import type { LogConfig } from '../config/log-config.js';
import { ErrorCode } from '@fluxo/protocol';
import { PartitionProducers, type RebuildOutcome } from '../producer/partition-producers.js';
import { readProducerBatches } from '../producer/producer-batches.js';
import type { ProducerBatch, ProducerStateManager } from '../producer/producer-state.js';
import { recoverCleanerFiles, swapSegmentFiles } from '../cleaner/segment-swap.js';
import { assignOffsets, validateBatches } from '../records/batch-validation.js';
import { checkRecordsHaveKeys } from '../records/keyless-records.js';
import { findRecordByTimestamp } from '../records/record-walk.js';
import { parseLogFileName, segmentPaths } from '../segment/file-names.js';
import { LogSegment, type SegmentOptions } from '../segment/log-segment.js';
import { ListOffsetsTimestamp } from './list-offsets-timestamps.js';
import { readPartitionMetadata, writePartitionMetadata } from './partition-metadata-file.js';

export interface AppendResult {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  /** First offset assigned (-1 on error). */
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** The broker time stamped on the batches with LogAppendTime, else -1. */
  readonly logAppendTimeMs: bigint;
  readonly logStartOffset: bigint;
}

export interface ReadResult {
  readonly errorCode: number;
  /** Whole batches as stored (a view the network layer can writev). */
  readonly records: Buffer;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly logStartOffset: bigint;
}

export interface TimestampAndOffset {
  readonly timestamp: bigint;
  readonly offset: bigint;
  readonly leaderEpoch: number;
}

/** Called with the bytes appended; long-poll fetches wait on this. */
export type AppendListener = (appendedBytes: number) => void;

export interface PartitionLogOptions {
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly config: LogConfig;
  readonly clock: Clock;
  /** Offsets below this were fsynced before the last shutdown; later segments are validated (default: all). */
  readonly recoveryPoint?: bigint;
  readonly logStartOffset?: bigint;
  /** producer.id.expiration.ms (Kafka: 86400000): producers idle longer are forgotten. */
  readonly producerIdExpirationMs?: number;
  /** From cleaner-offset-checkpoint: offsets below this were compacted (default: the log start). */
  readonly cleanerCheckpoint?: bigint;
}

/** Kafka's producer.id.expiration.ms default: one day. */
export const PRODUCER_ID_EXPIRATION_MS_DEFAULT = 86_400_000;

const EMPTY = Buffer.alloc(0);
/** Single node: every batch is written in leader epoch 0. */
export const LEADER_EPOCH = 0;

/**
 * One partition's log: its segments, log start offset and end offset. All
 * operations are synchronous, so an append and a read never interleave.
 */
export class PartitionLog {
  readonly topic: string;
  readonly partition: number;
  readonly topicId: string;
  readonly dir: string;
  config: LogConfig;
  logStartOffset: bigint;
  /** Offsets below this are fsynced. */
  recoveryPoint: bigint;
  /** Set by the LogManager to persist the log start offset when it moves. */
  onLogStartOffsetMoved: (() => void) | undefined;
  private readonly clock: Clock;
  private segments: LogSegment[] = [];
  private unflushedMessages = 0;
  private lastFlushMs: number;
  private readonly listeners = new Set<AppendListener>();
  private closed = false;
  /** Idempotent producers' state (sequence checks, duplicate detection), snapshotted beside the segments. */
  private readonly producers: PartitionProducers;
  private readonly producerIdExpirationMs: number;
  /** How the producer state was rebuilt when the log was opened. */
  producerStateRebuild: RebuildOutcome | undefined;
  /**
   * Kafka's cleaner checkpoint: the first dirty offset, below which the log
   * was compacted. The cleaner moves it; truncation lowers it.
   */
  cleanerCheckpoint: bigint;
  /** Earliest delete horizon of a tombstone the last cleaning kept (-1: none), so the cleaner comes back for it. */
  tombstoneHorizonMs = -1;
  /** Base offsets of the segments a cleaning swap left half done and open() finished (tests, logs). */
  recoveredSwaps: bigint[] = [];

  private constructor(options: PartitionLogOptions) {
    this.topic = options.topic;
    this.partition = options.partition;
    this.topicId = options.topicId;
    this.dir = options.dir;
    this.config = options.config;
    this.clock = options.clock;
    this.logStartOffset = 0n;
    this.recoveryPoint = options.recoveryPoint ?? 0n;
    this.lastFlushMs = options.clock.monotonicMs();
    this.producers = new PartitionProducers(options.dir, `${options.topic}-${options.partition}`);
    this.producerIdExpirationMs = options.producerIdExpirationMs ?? PRODUCER_ID_EXPIRATION_MS_DEFAULT;
    this.cleanerCheckpoint = options.cleanerCheckpoint ?? 0n;
  }

  /** Opens (recovering what needs it) or creates the partition directory. */
  static open(options: PartitionLogOptions): PartitionLog {
    const log = new PartitionLog(options);
    mkdirSync(options.dir, { recursive: true });
    if (readPartitionMetadata(options.dir) === undefined) writePartitionMetadata(options.dir, options.topicId);
    log.loadSegments(options.logStartOffset ?? 0n);
    log.producerStateRebuild = log.rebuildProducerState();
    return log;
  }

  /** The newest valid producer snapshot at or below the log end, then the batch headers after it; expired producers dropped. */
  private rebuildProducerState(): RebuildOutcome {
    const outcome = this.producers.rebuild(this.logEndOffset, (from, visit) => this.replayProducerBatches(from, visit));
    this.producers.state.removeExpired(this.clock.nowMs(), this.producerIdExpirationMs);
    return outcome;
  }

  private replayProducerBatches(fromOffset: bigint, visit: (batch: ProducerBatch, baseOffset: bigint) => void): void {
    for (const segment of this.segments) {
      if (segment.nextOffset <= fromOffset) continue;
      const position = segment.baseOffset >= fromOffset ? 0 : segment.positionOf(fromOffset);
      if (position < 0) continue;
      segment.scan(position, (b) => {
        if (b.baseOffset >= fromOffset && b.producerId >= 0n && (b.attributes & Attribute.control) === 0)
          visit(b, b.baseOffset);
        return false;
      });
    }
  }

  /** This partition's idempotent-producer state (read-only use: tests and tools). */
  get producerState(): ProducerStateManager {
    return this.producers.state;
  }

  /** Offsets of the producer snapshot files, oldest first. */
  producerSnapshotOffsets(): bigint[] {
    return this.producers.snapshotOffsets();
  }

  /** producer.id.expiration.ms: forgets producers whose last batch is older; returns how many. */
  removeExpiredProducers(nowMs: number): number {
    return this.producers.state.removeExpired(nowMs, this.producerIdExpirationMs);
  }

  private loadSegments(checkpointedStart: bigint): void {
    // An interrupted cleaning is finished or undone before the segments are listed.
    this.recoveredSwaps = recoverCleanerFiles(this.dir);
    const bases = readdirSync(this.dir)
      .map(parseLogFileName)
      .filter((b): b is bigint => b !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const options = this.segmentOptions();
    for (let i = 0; i < bases.length; i++) {
      const { segment, truncated } = LogSegment.open(this.dir, bases[i], options, this.recoveryPoint);
      this.segments.push(segment);
      if (truncated !== null) {
        // Everything after a torn or corrupt batch is unreachable: drop the later segments.
        for (const later of bases.slice(i + 1)) deleteSegmentFiles(this.dir, later);
        break;
      }
    }
    if (this.segments.length === 0) this.segments.push(LogSegment.create(this.dir, checkpointedStart, options));
    const first = this.segments[0].baseOffset;
    this.logStartOffset = checkpointedStart > first ? checkpointedStart : first;
    if (this.logStartOffset > this.logEndOffset) this.logStartOffset = this.logEndOffset;
    if (this.recoveryPoint > this.logEndOffset) this.recoveryPoint = this.logEndOffset;
    if (this.cleanerCheckpoint > this.logEndOffset) this.cleanerCheckpoint = this.logStartOffset;
  }

  private segmentOptions(): SegmentOptions {
    return { indexIntervalBytes: this.config.indexIntervalBytes, segmentIndexBytes: this.config.segmentIndexBytes };
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  get logEndOffset(): bigint {
    return this.active.nextOffset;
  }
  /** Single node: everything written is committed. */
  get highWatermark(): bigint {
    return this.logEndOffset;
  }
  /** No transactions yet: the last stable offset is the high watermark. */
  get lastStableOffset(): bigint {
    return this.highWatermark;
  }
  get sizeBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  /** Base offsets of the segments, oldest first. */
  segmentBaseOffsets(): bigint[] {
    return this.segments.map((s) => s.baseOffset);
  }

  /** The segments, oldest first, the last one active (the cleaner reads them; never mutate). */
  get segmentList(): readonly LogSegment[] {
    return this.segments;
  }

  get isCompacted(): boolean {
    return this.config.cleanupPolicy.includes('compact');
  }

  /** Per idempotent producer, the last offset of its last batch (Kafka's lastRecordsOfActiveProducers). */
  activeProducerLastOffsets(): Map<bigint, bigint> {
    const out = new Map<bigint, bigint>();
    for (const entry of this.producers.state.entries()) {
      const last = entry.batches.at(-1);
      if (last !== undefined) out.set(entry.producerId, last.lastOffset);
    }
    return out;
  }

  /**
   * Swaps a cleaned segment in for `replaced` (consecutive, non-active segments
   * still in this log): files per segment-swap.ts, then the segment list, in one
   * synchronous step, so a read sees either the old segments or the new one.
   * Returns false (and changes nothing) when the segments changed meanwhile.
   * `stopAfter` is for crash tests: the files stop at that step and the list is left alone.
   */
  replaceWithCleaned(cleaned: LogSegment, replaced: readonly LogSegment[], stopAfter = 0): boolean {
    const first = this.segments.indexOf(replaced[0]);
    if (this.closed || first < 0 || first + replaced.length >= this.segments.length) return false;
    for (let i = 0; i < replaced.length; i++) if (this.segments[first + i] !== replaced[i]) return false;
    swapSegmentFiles(this.dir, cleaned, replaced, this.segments[first + replaced.length].baseOffset, stopAfter);
    if (stopAfter !== 0) return true;
    this.segments.splice(first, replaced.length, cleaned);
    return true;
  }

  /** The base offset of the segment after these (consecutive) ones, or -1 when they are not all here. */
  offsetAfter(segments: readonly LogSegment[]): bigint {
    const first = this.segments.indexOf(segments[0]);
    const next = this.segments[first + segments.length];
    return first < 0 || next === undefined ? -1n : next.baseOffset;
  }

  /** Whether every one of these segments is still here and not the active one. */
  holdsInactive(segments: readonly LogSegment[]): boolean {
    if (this.closed) return false;
    for (const s of segments) {
      const at = this.segments.indexOf(s);
      if (at < 0 || at === this.segments.length - 1) return false;
    }
    return true;
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
    for (const s of this.segments) s.updateOptions(this.segmentOptions());
  }

  /**
   * Validates, assigns offsets to and writes a produced record set. Nothing is
   * written when any batch is rejected.
   */
  append(records: Buffer, nowMs: number): AppendResult {
    if (this.closed) return rejected(ErrorCode.KAFKA_STORAGE_ERROR, 'the log is closed (shutting down or deleted)');
    const logAppendTime = this.config.messageTimestampType === 'LogAppendTime';
    const summary = validateBatches(
      records,
      {
        maxMessageBytes: this.config.maxMessageBytes,
        logAppendTime,
        timestampBeforeMaxMs: this.config.messageTimestampBeforeMaxMs,
        timestampAfterMaxMs: this.config.messageTimestampAfterMaxMs,
      },
      nowMs,
    );
    if (summary.errorCode !== ErrorCode.NONE) return rejected(summary.errorCode, summary.errorMessage);
    if (this.isCompacted) {
      const keyless = checkRecordsHaveKeys(records, `${this.topic}-${this.partition}`);
      if (keyless !== null) return rejected(keyless.errorCode, keyless.errorMessage);
    }
    const producerBatches = readProducerBatches(records);
    if (producerBatches.length > 0) {
      const verdict = this.producers.state.checkClientAppend(producerBatches);
      if (verdict.kind === 'rejected') return rejected(verdict.errorCode, verdict.errorMessage);
      if (verdict.kind === 'duplicate')
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          baseOffset: verdict.batch.firstOffset,
          lastOffset: verdict.batch.lastOffset,
          logAppendTimeMs: logAppendTime ? BigInt(verdict.batch.timestamp) : -1n,
          logStartOffset: this.logStartOffset,
        };
    }
    const baseOffset = this.logEndOffset;
    const lastOffset = baseOffset + BigInt(summary.offsetCount) - 1n;
    this.maybeRoll(records.length, lastOffset, nowMs);
    const next = assignOffsets(records, baseOffset, LEADER_EPOCH, logAppendTime ? nowMs : null);
    this.active.append(records, next, nowMs);
    for (const batch of producerBatches) {
      const stored = logAppendTime ? { ...batch, maxTimestamp: nowMs } : batch;
      this.producers.state.recordAppend(stored, baseOffset + BigInt(batch.offsetsBefore));
    }
    this.unflushedMessages += summary.offsetCount;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush();
    for (const listener of this.listeners) listener(records.length);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset,
      lastOffset,
      logAppendTimeMs: logAppendTime ? BigInt(nowMs) : -1n,
      logStartOffset: this.logStartOffset,
    };
  }

  /**
   * A replica's append (a Raft follower): the batches already carry their
   * offsets and partitionLeaderEpoch, assigned by the leader, and are written
   * unchanged. They must be valid (framing, magic, CRC32C) and continue the log
   * end exactly, each batch right after the previous one; otherwise nothing is
   * written. Timestamps are not checked: the leader did that.
   */
  appendAsFollower(records: Buffer, nowMs: number): AppendResult {
    if (this.closed) return rejected(ErrorCode.KAFKA_STORAGE_ERROR, 'the log is closed (shutting down or deleted)');
    const limits = {
      maxMessageBytes: this.config.maxMessageBytes,
      logAppendTime: true, // skips the timestamp bounds
      timestampBeforeMaxMs: 0,
      timestampAfterMaxMs: 0,
    };
    const summary = validateBatches(records, limits, nowMs);
    if (summary.errorCode !== ErrorCode.NONE) return rejected(summary.errorCode, summary.errorMessage);
    const baseOffset = this.logEndOffset;
    let expected = baseOffset;
    for (let at = 0; at < records.length; ) {
      const batchBase = records.readBigInt64BE(at + BATCH_OFFSET.baseOffset);
      if (batchBase !== expected)
        return rejected(
          ErrorCode.INVALID_RECORD,
          `record batch at position ${at} has base offset ${batchBase}, expected ${expected}`,
        );
      expected = batchBase + BigInt(records.readInt32BE(at + BATCH_OFFSET.lastOffsetDelta)) + 1n;
      at += records.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
    }
    const lastOffset = expected - 1n;
    this.maybeRoll(records.length, lastOffset, nowMs);
    this.active.append(records, expected, nowMs);
    // The leader checked the sequences; a replica only keeps the same state.
    for (const batch of readProducerBatches(records))
      this.producers.state.recordAppend(batch, baseOffset + BigInt(batch.offsetsBefore));
    this.unflushedMessages += summary.offsetCount;
    if (this.unflushedMessages >= this.config.flushMessages) this.flush();
    for (const listener of this.listeners) listener(records.length);
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      baseOffset,
      lastOffset,
      logAppendTimeMs: -1n,
      logStartOffset: this.logStartOffset,
    };
  }

  /**
   * Drops every offset at or after `offset` (Kafka's truncateTo, for a follower
   * whose log diverged): later segments are deleted, the one holding `offset`
   * is cut at the start of the batch holding it and its indexes rebuilt (and
   * fsynced). Batches are never split, so the new log end, returned, may be
   * below `offset`. Below the log start, the log is emptied and restarts at `offset`.
   */
  truncateTo(offset: bigint): bigint {
    if (offset >= this.logEndOffset) return this.logEndOffset;
    if (offset < this.logStartOffset) {
      this.truncateFullyAndStartAt(offset);
      return offset;
    }
    while (this.segments.length > 1 && this.active.baseOffset >= offset) this.segments.pop()?.delete();
    const end = this.active.truncateFrom(offset);
    if (this.logStartOffset > end) this.logStartOffset = end;
    if (this.recoveryPoint > end) this.recoveryPoint = end;
    if (this.cleanerCheckpoint > end) this.cleanerCheckpoint = end;
    // Kafka's truncateAndReload: the state is rebuilt from a snapshot at or below the new end.
    this.producers.deleteSnapshotsAbove(end);
    this.rebuildProducerState();
    return end;
  }

  /**
   * Deletes every segment and starts an empty log at `offset` (a Raft node that
   * installed a snapshot past its log). Log start and end become `offset`.
   */
  truncateFullyAndStartAt(offset: bigint): void {
    for (const segment of this.segments.splice(0)) segment.delete();
    this.producers.reset();
    this.segments.push(LogSegment.create(this.dir, offset, this.segmentOptions()));
    this.logStartOffset = offset;
    this.recoveryPoint = offset;
    this.cleanerCheckpoint = offset;
    this.unflushedMessages = 0;
    this.onLogStartOffsetMoved?.();
  }

  /** Kafka's roll rules: segment.bytes, segment.ms, full indexes, relative offset overflow. */
  private maybeRoll(appendBytes: number, lastOffset: bigint, nowMs: number): void {
    const active = this.active;
    if (active.isEmpty) return;
    const full = active.size + appendBytes > this.config.segmentBytes;
    const old = nowMs - active.rollingBaseMs > this.maxSegmentMs;
    if (full || old || active.indexesFull(lastOffset)) this.roll();
  }

  /** Kafka's LogConfig.maxSegmentMs: a compacted log also rolls by max.compaction.lag.ms, so no record waits longer. */
  private get maxSegmentMs(): number {
    const { segmentMs, maxCompactionLagMs } = this.config;
    return this.isCompacted && maxCompactionLagMs > 0 ? Math.min(segmentMs, maxCompactionLagMs) : segmentMs;
  }

  /** Starts a new active segment at the log end offset (the old one is sealed) and snapshots the producer state there, as Kafka does. */
  roll(): void {
    const old = this.active;
    if (old.isEmpty) return;
    old.seal();
    this.segments.push(LogSegment.create(this.dir, this.logEndOffset, this.segmentOptions()));
    this.producers.takeSnapshot(this.logEndOffset);
  }

  /**
   * Whole batches from the one holding `offset`, up to `maxBytes` (the first
   * batch even when larger with `minOneBatch`, KIP-74). OFFSET_OUT_OF_RANGE
   * outside [logStartOffset, highWatermark].
   */
  read(offset: bigint, maxBytes: number, minOneBatch: boolean): ReadResult {
    const highWatermark = this.highWatermark;
    const result = (errorCode: number, records: Buffer): ReadResult => ({
      errorCode,
      records,
      highWatermark,
      lastStableOffset: highWatermark,
      logStartOffset: this.logStartOffset,
    });
    if (offset < this.logStartOffset || offset > highWatermark) return result(ErrorCode.OFFSET_OUT_OF_RANGE, EMPTY);
    if (offset === highWatermark || (maxBytes <= 0 && !minOneBatch)) return result(ErrorCode.NONE, EMPTY);
    for (let i = this.segmentIndexFor(offset); i < this.segments.length; i++) {
      const segment = this.segments[i];
      const position = segment.positionOf(offset);
      if (position < 0) continue;
      const records = segment.read(position, maxBytes, minOneBatch);
      // Only empty batches (a producer's, kept by the cleaner): read on past them, since some
      // clients (librdkafka 2.0) take a fetch holding no record for "message too large".
      const after = endOfEmptyBatches(records);
      if (after < 0n || after >= highWatermark) return result(ErrorCode.NONE, records);
      offset = after;
      i = this.segmentIndexFor(offset) - 1;
    }
    return result(ErrorCode.NONE, EMPTY);
  }

  /** Index of the last segment whose base offset is <= offset (0 if none). */
  private segmentIndexFor(offset: bigint): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.segments[mid].baseOffset <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /**
   * ListOffsets: -1 latest, -2 earliest, -3 max timestamp, -4 earliest local,
   * -5 latest tiered, else the first offset whose timestamp is >= the target.
   * null when no record qualifies (Kafka answers offset -1, timestamp -1).
   */
  offsetForTimestamp(timestamp: bigint): TimestampAndOffset | null {
    const at = (offset: bigint): TimestampAndOffset => ({ timestamp: -1n, offset, leaderEpoch: LEADER_EPOCH });
    switch (timestamp) {
      case ListOffsetsTimestamp.LATEST:
        return at(this.highWatermark);
      case ListOffsetsTimestamp.EARLIEST:
      case ListOffsetsTimestamp.EARLIEST_LOCAL:
        return at(this.logStartOffset);
      case ListOffsetsTimestamp.LATEST_TIERED:
        return null;
      case ListOffsetsTimestamp.MAX_TIMESTAMP:
        return this.maxTimestampOffset();
    }
    if (timestamp < 0n) return null;
    return this.firstOffsetAtOrAfter(Number(timestamp));
  }

  private firstOffsetAtOrAfter(targetMs: number): TimestampAndOffset | null {
    for (const segment of this.segments) {
      if (segment.maxTimestamp < targetMs || segment.nextOffset <= this.logStartOffset) continue;
      const relative = segment.timeIndex.floor(targetMs, true);
      const position = relative === undefined ? 0 : (segment.offsetIndex.floor(relative) ?? 0);
      let found: TimestampAndOffset | null = null;
      segment.scan(position, (b) => {
        if (b.maxTimestamp < targetMs || b.lastOffset < this.logStartOffset) return false;
        const hit = findRecordByTimestamp(segment.readAt(b.position, b.size), targetMs, false, this.logStartOffset);
        if (hit === null) return false;
        found = { timestamp: BigInt(hit.timestamp), offset: hit.offset, leaderEpoch: LEADER_EPOCH };
        return true;
      });
      if (found !== null) return found;
    }
    return null;
  }

  private maxTimestampOffset(): TimestampAndOffset | null {
    let best: LogSegment | undefined;
    for (const s of this.segments)
      if (s.maxTimestamp >= 0 && (best === undefined || s.maxTimestamp > best.maxTimestamp)) best = s;
    if (best === undefined) return null;
    const segment = best;
    const position = segment.positionOf(segment.offsetOfMaxTimestamp);
    if (position < 0) return null;
    let found: TimestampAndOffset | null = null;
    segment.scan(position, (b) => {
      const hit = findRecordByTimestamp(segment.readAt(b.position, b.size), segment.maxTimestamp, true, 0n);
      if (hit !== null) found = { timestamp: BigInt(hit.timestamp), offset: hit.offset, leaderEpoch: LEADER_EPOCH };
      return true;
    });
    return found;
  }

  /**
   * DeleteRecords: moves the log start offset to `offset` (-1: the high
   * watermark) and deletes the segments wholly below it.
   */
  deleteRecordsBefore(offset: bigint): { errorCode: number; lowWatermark: bigint } {
    const target = offset === -1n ? this.highWatermark : offset;
    if (target < 0n || target > this.highWatermark)
      return { errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: this.logStartOffset };
    if (target > this.logStartOffset) {
      this.logStartOffset = target;
      this.deleteSegmentsBelowLogStart();
      this.onLogStartOffsetMoved?.();
    }
    return { errorCode: ErrorCode.NONE, lowWatermark: this.logStartOffset };
  }

  private deleteSegmentsBelowLogStart(): void {
    let count = 0;
    while (count < this.segments.length) {
      const upper = this.segments[count + 1]?.baseOffset ?? this.logEndOffset;
      const isEmptyActive = count === this.segments.length - 1 && this.segments[count].isEmpty;
      if (upper > this.logStartOffset || isEmptyActive) break;
      count++;
    }
    this.deleteOldestSegments(count);
  }

  /**
   * Retention: deletes the oldest segments past retention.ms (by their newest
   * timestamp) or beyond retention.bytes, whole segments only, as Kafka does.
   * The active segment counts too: it is rolled first when it must go.
   * Returns the number of segments deleted.
   */
  deleteRetentionBreachedSegments(nowMs: number): number {
    if (!this.config.cleanupPolicy.includes('delete')) return 0;
    let count = 0;
    const { retentionMs, retentionBytes } = this.config;
    let excess = retentionBytes < 0 ? 0 : this.sizeBytes - retentionBytes;
    while (count < this.segments.length) {
      const segment = this.segments[count];
      // An empty active segment has nothing to delete; an empty cleaned one ages by its mtime like any other.
      if (segment.isEmpty && count === this.segments.length - 1) break;
      const expired = retentionMs >= 0 && nowMs - segment.largestTimestampMs > retentionMs;
      const tooBig = retentionBytes >= 0 && excess - segment.size >= 0;
      if (!expired && !tooBig) break;
      excess -= segment.size;
      count++;
    }
    const deleted = this.deleteOldestSegments(count);
    if (deleted > 0) this.onLogStartOffsetMoved?.();
    return deleted;
  }

  private deleteOldestSegments(count: number): number {
    if (count === 0) return 0;
    if (count === this.segments.length) this.roll();
    const doomed = this.segments.splice(0, count);
    for (const segment of doomed) segment.delete();
    const first = this.segments[0].baseOffset;
    if (first > this.logStartOffset) this.logStartOffset = first;
    // Producer state itself stays (Kafka 2.5+, KIP-360): only expiry forgets a producer.
    this.producers.deleteSnapshotsBelow(first);
    return doomed.length;
  }

  /** fsync every segment with unflushed data; the recovery point becomes the log end offset. */
  flush(): void {
    for (const segment of this.segments) segment.flush();
    this.recoveryPoint = this.logEndOffset;
    this.unflushedMessages = 0;
    this.lastFlushMs = this.clock.monotonicMs();
  }

  /** flush.ms: called by the LogManager's scheduler. */
  maybeFlushByTime(): void {
    if (this.unflushedMessages > 0 && this.clock.monotonicMs() - this.lastFlushMs >= this.config.flushMs) this.flush();
  }

  /** fsyncs rolled segments (Kafka flushes a segment once it is rolled) and moves the recovery point to the active segment. */
  async flushRolledSegments(): Promise<void> {
    const active = this.active;
    if (this.recoveryPoint >= active.baseOffset) return;
    for (const segment of this.segments.slice(0, -1)) await segment.flushAsync();
    if (!this.closed && active.baseOffset > this.recoveryPoint) this.recoveryPoint = active.baseOffset;
  }

  /** Registers a listener for appends; returns its removal. */
  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    // A clean shutdown's snapshot at the log end: the next open replays nothing.
    this.producers.takeSnapshot(this.logEndOffset);
    for (const segment of this.segments) segment.close();
    this.closed = true;
  }

  /** Closes the files without flushing: the partition is being deleted. */
  abandon(): void {
    for (const segment of this.segments) segment.abandon();
    this.closed = true;
    this.listeners.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}

/** The offset after `records` when every batch in it has no record (and there is one), else -1. */
function endOfEmptyBatches(records: Buffer): bigint {
  let next = -1n;
  for (let at = 0; at + BATCH_LOG_OVERHEAD <= records.length; ) {
    if (records.readInt32BE(at + BATCH_OFFSET.recordCount) !== 0) return -1n;
    next =
      records.readBigInt64BE(at + BATCH_OFFSET.baseOffset) +
      BigInt(records.readInt32BE(at + BATCH_OFFSET.lastOffsetDelta)) +
      1n;
    at += records.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
  }
  return next;
}

function rejected(errorCode: number, errorMessage: string | null): AppendResult {
  return { errorCode, errorMessage, baseOffset: -1n, lastOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n };
}

function deleteSegmentFiles(dir: string, baseOffset: bigint): void {
  for (const path of Object.values(segmentPaths(dir, baseOffset))) rmSync(path, { force: true });
}
