import { join } from 'node:path';
import type { Clock } from '@fluxo/core';
import { decodeRecordBatch, ErrorCode } from '@fluxo/protocol';
import { DEFAULT_LOG_CONFIG, PartitionLog, partitionDirName } from '@fluxo/storage';
import type { Entry } from '../core/index.js';
import { decodeEntryBatches, encodeEntryBatches } from '../wire/entry-batches.js';
import { METADATA_TOPIC, METADATA_TOPIC_ID } from '../wire/kafka-messages.js';

/** Per read at recovery; a batch larger than this is still read whole (minOneBatch). */
const RECOVERY_READ_BYTES = 4 * 1024 * 1024;

/**
 * The Raft log in the shared segment storage: `<dataDir>/__cluster_metadata-0/`, Kafka's
 * segment layout, entries as v2 RecordBatches whose partitionLeaderEpoch is the entry's
 * epoch. Offsets are the leader's, so every write is a replica append (offsets checked,
 * bytes kept). Writes reach the page cache at once; `flush` makes them durable.
 */
export class SegmentLog {
  private readonly log: PartitionLog;
  /** What recovery found from the log start; the driver hands it to the core once and clears it. */
  recovered: Entry[] = [];

  constructor(
    dataDir: string,
    private readonly clock: Clock,
    private readonly leaderOf: (epoch: number) => number = () => -1,
    /** Kafka's metadata.log.segment.bytes default; tests use small segments. */
    segmentBytes = DEFAULT_LOG_CONFIG.segmentBytes,
  ) {
    this.log = PartitionLog.open({
      dir: join(dataDir, partitionDirName(METADATA_TOPIC, 0)),
      topic: METADATA_TOPIC,
      partition: 0,
      topicId: METADATA_TOPIC_ID,
      // Kafka's metadata log: 8 MiB batches at most, never flushed by message count or time.
      config: { ...DEFAULT_LOG_CONFIG, maxMessageBytes: 8 * 1024 * 1024, segmentBytes },
      clock,
    });
    this.recover();
  }

  /** Storage recovery already cut a torn or corrupt tail; a batch we cannot decode cuts the rest. */
  private recover(): void {
    let offset = this.logStartOffset;
    while (offset < this.endOffset) {
      const { errorCode, records } = this.log.read(BigInt(offset), RECOVERY_READ_BYTES, true);
      if (errorCode !== ErrorCode.NONE || records.length === 0) break;
      try {
        offset = decodeEntryBatches(records, offset, this.recovered);
      } catch {
        break;
      }
    }
    this.recovered.length = Math.min(this.recovered.length, offset - this.logStartOffset);
    if (offset < this.endOffset) this.log.truncateTo(BigInt(offset));
    if (this.endOffset !== this.logStartOffset + this.recovered.length)
      throw new Error(`log recovery stopped at ${this.endOffset}, inside a batch`);
  }

  get logStartOffset(): number {
    return Number(this.log.logStartOffset);
  }

  get endOffset(): number {
    return Number(this.log.logEndOffset);
  }

  append(baseOffset: number, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    if (this.endOffset === this.logStartOffset && baseOffset !== this.endOffset)
      this.log.truncateFullyAndStartAt(BigInt(baseOffset));
    const records = encodeEntryBatches(baseOffset, entries, this.clock.nowMs(), this.leaderOf);
    const result = this.log.appendAsFollower(records, this.clock.nowMs());
    if (result.errorCode !== ErrorCode.NONE)
      throw new Error(`log append at ${baseOffset} refused: ${result.errorMessage}`);
  }

  /**
   * Drops the entries at and after `endOffset`. Storage never splits a batch, so when the
   * cut falls inside one, that batch's entries below `endOffset` are read first and written
   * again as a new batch (a control batch holds one record and is never split).
   */
  truncateTo(endOffset: number): void {
    if (endOffset >= this.endOffset) return;
    const { records } = this.log.read(BigInt(endOffset), 1, true);
    const kept: Entry[] = [];
    let keptFrom = endOffset;
    if (records.length > 0) {
      const batch = decodeRecordBatch(records, 0);
      keptFrom = Number(batch.baseOffset);
      for (const r of batch.records)
        if (Number(r.offset) < endOffset)
          kept.push({ epoch: batch.partitionLeaderEpoch, control: false, data: new Uint8Array(r.value ?? []) });
    }
    const end = Number(this.log.truncateTo(BigInt(endOffset)));
    if (end === endOffset) return;
    if (end !== keptFrom || kept.length !== endOffset - end)
      throw new Error(`truncation to ${endOffset} stopped at ${end}, not at the batch start ${keptFrom}`);
    this.append(end, kept);
  }

  /** Entries below `offset` are in a durable snapshot: whole segments below it go. */
  dropPrefix(offset: number): void {
    if (offset <= this.logStartOffset) return;
    if (offset > this.endOffset) return this.resetTo(offset);
    this.log.deleteRecordsBefore(BigInt(offset));
  }

  /** An installed snapshot replaces the log: it restarts, empty, at the snapshot's end. */
  resetTo(offset: number): void {
    this.log.truncateFullyAndStartAt(BigInt(offset));
  }

  /**
   * Makes the log hold exactly `entries` from `start` (what recovery next to the snapshot
   * kept), so that the disk agrees with what the core will believe.
   */
  alignWith(start: number, entries: readonly Entry[]): void {
    if (entries.length === 0) {
      if (this.logStartOffset !== start || this.endOffset !== start) this.resetTo(start);
      return;
    }
    const end = start + entries.length;
    if (this.logStartOffset > start || this.endOffset < end) return this.rewrite(start, entries);
    this.truncateTo(end);
    this.dropPrefix(start);
  }

  private rewrite(start: number, entries: readonly Entry[]): void {
    this.resetTo(start);
    this.append(start, entries);
    this.log.flush();
  }

  /** fsync on the next turn of the event loop (the metadata log is small: a sync fdatasync). */
  flush(done: (err: Error | null) => void): void {
    setImmediate(() => {
      try {
        this.log.flush();
      } catch (e) {
        return done(e as Error);
      }
      done(null);
    });
  }

  close(): void {
    this.log.close();
  }
}
