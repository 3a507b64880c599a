import {
  Attribute,
  BATCH_HEADER_SIZE,
  BATCH_OFFSET,
  BatchCursor,
  type BatchHeader,
  checkBatch,
  decompress,
  RecordBatchError,
} from '@fluxo/protocol';
import { CorruptRecordError, RecordDeserializationError } from '../errors.js';
import type { Deserializer } from '../serde/serializers.js';
import type { ConsumerRecord } from './consumer-record.js';

export interface AbortedRange {
  producerId: bigint;
  firstOffset: bigint;
}

/** Where drain() records what it handed out: the partition's position and leader epoch. */
export interface DrainTarget {
  position: bigint | null;
  lastLeaderEpoch: number;
}

export interface RecordDecoding<K, V> {
  topic: string;
  partition: number;
  keyDeserializer: Deserializer<K>;
  valueDeserializer: Deserializer<V>;
}

interface CheckedBatch {
  start: number;
  header: BatchHeader;
  sizeBytes: number;
}

/** Smallest batch length field any message format has; below it the length itself is corrupt. */
const LENGTH_FIELD_MIN = 14;
const RECORD_BYTES_MIN = 7;

/**
 * One partition's records from one Fetch answer (a view of the response bytes,
 * never copied). On arrival only the batch headers are walked (and CRCs checked)
 * to find where the next fetch starts; records are decoded when drain() hands
 * them out, at most as many as asked for. A truncated last batch is dropped (the
 * next fetch brings it whole); control batches are skipped; with `aborted`
 * (read_committed), so are batches of aborted transactions. A batch that fails a
 * check ends the walk: the records before it are handed out, then drain() throws
 * CorruptRecordError every time until the partition is sought elsewhere.
 */
export class FetchedRecords<K, V> {
  /** Offset after the last whole valid batch: where the partition's next fetch starts. */
  readonly nextOffset: bigint;
  private readonly batches: CheckedBatch[] = [];
  private batchIndex = 0;
  private cursor: BatchCursor | null = null;
  private skipBelowDelta = 0;
  private failure: CorruptRecordError | null = null;
  private readonly pendingAborts: AbortedRange[];
  private readonly abortedOpen = new Set<bigint>();
  private lastTimestampDelta = 0;
  private lastTimestamp = 0n;

  constructor(
    private readonly bytes: Buffer,
    /** The partition's fetch offset: records before it (in the first batch) are skipped. */
    private readonly fromOffset: bigint,
    verifyCrc: boolean,
    aborted: readonly AbortedRange[] | null,
    private readonly decoding: RecordDecoding<K, V>,
  ) {
    this.pendingAborts = aborted === null ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
    this.nextOffset = this.walk(verifyCrc);
  }

  /** Bytes of batches not yet handed out (what the partition still holds for the application). */
  get remainingBytes(): number {
    const next = this.batches[this.batchIndex];
    return next === undefined ? 0 : this.bytes.length - next.start;
  }

  /** True once every record was handed out (a failed batch is never done). */
  get done(): boolean {
    return this.failure === null && this.cursor === null && this.batchIndex >= this.batches.length;
  }

  /** True when a batch failed: nothing after it is fetched until a seek. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /**
   * Appends up to `max` records to `out` and moves `target` past them (to
   * nextOffset once everything is handed out, so control batches and filtered
   * transactions are stepped over as the Java consumer does). Throws
   * CorruptRecordError or RecordDeserializationError at the first record it
   * cannot hand out; the records appended before that stay in `out`.
   */
  drain(out: ConsumerRecord<K, V>[], max: number, target: DrainTarget): void {
    const { topic, partition, keyDeserializer, valueDeserializer } = this.decoding;
    let taken = 0;
    let lastOffset = -1n;
    let leaderEpoch = -1;
    try {
      while (taken < max) {
        let cursor = this.cursor;
        if (cursor === null) {
          cursor = this.openNext();
          if (cursor === null) break;
        }
        if (!this.readRecord(cursor)) {
          this.cursor = null;
          this.batchIndex++;
          continue;
        }
        if (cursor.offsetDelta < this.skipBelowDelta) continue;
        const { header } = this.batches[this.batchIndex]!;
        const offset = header.baseOffset + BigInt(cursor.offsetDelta);
        let key: K | null;
        let value: V | null;
        try {
          key = keyDeserializer.deserialize(cursor.key(), topic);
        } catch (cause) {
          cursor.unread();
          throw new RecordDeserializationError(topic, partition, offset, 'key', { cause });
        }
        try {
          value = valueDeserializer.deserialize(cursor.value(), topic);
        } catch (cause) {
          cursor.unread();
          throw new RecordDeserializationError(topic, partition, offset, 'value', { cause });
        }
        out.push({
          topic,
          partition,
          offset,
          timestamp: this.timestampOf(header, cursor.timestampDelta),
          timestampType: header.attributes & Attribute.timestampTypeLogAppendTime ? 1 : 0,
          leaderEpoch: header.partitionLeaderEpoch,
          key,
          value,
          headers: cursor.headers(),
        });
        taken++;
        lastOffset = offset;
        leaderEpoch = header.partitionLeaderEpoch;
      }
    } finally {
      if (lastOffset >= 0n) {
        target.position = lastOffset + 1n;
        target.lastLeaderEpoch = leaderEpoch;
      }
      if (this.done && (target.position === null || target.position < this.nextOffset)) {
        target.position = this.nextOffset;
      }
    }
  }

  /** Walks the batch headers; returns the offset after the last whole batch that passed its checks. */
  private walk(verifyCrc: boolean): bigint {
    const bytes = this.bytes;
    let nextOffset = this.fromOffset;
    let at = 0;
    while (at < bytes.length) {
      const left = bytes.length - at;
      // baseOffset, length and magic must be there to judge the batch; a shorter tail is a cut-off batch.
      if (left < BATCH_OFFSET.magic + 1) break;
      const length = bytes.readInt32BE(at + BATCH_OFFSET.batchLength);
      // The error names where consumption stops (a corrupt batch's own baseOffset is not covered by its CRC).
      if (length < LENGTH_FIELD_MIN) {
        this.failure = this.corrupt(nextOffset, -1n, `batch length ${length} is invalid`);
        break;
      }
      const sizeBytes = length + BATCH_OFFSET.batchLength + 4;
      if (sizeBytes > left) break;
      const check = checkBatch(bytes, at, { verifyCrc });
      if (!check.ok) {
        const lastOffset =
          left >= BATCH_HEADER_SIZE
            ? bytes.readBigInt64BE(at) + BigInt(bytes.readInt32BE(at + BATCH_OFFSET.lastOffsetDelta))
            : -1n;
        this.failure = this.corrupt(nextOffset, lastOffset, check.message);
        break;
      }
      this.batches.push({ start: at, header: check.header, sizeBytes });
      const after = check.header.baseOffset + BigInt(check.header.lastOffsetDelta) + 1n;
      if (after > nextOffset) nextOffset = after;
      at += sizeBytes;
    }
    return nextOffset;
  }

  /** Opens the next batch that has records to hand out; null when none is left (throws a pending failure). */
  private openNext(): BatchCursor | null {
    for (; this.batchIndex < this.batches.length; this.batchIndex++) {
      const { start, header, sizeBytes } = this.batches[this.batchIndex]!;
      const lastOffset = header.baseOffset + BigInt(header.lastOffsetDelta);
      while (this.pendingAborts.length > 0 && this.pendingAborts[0]!.firstOffset <= lastOffset) {
        this.abortedOpen.add(this.pendingAborts.shift()!.producerId);
      }
      if (header.attributes & Attribute.control) {
        // An abort (or commit) marker closes the producer's transaction.
        this.abortedOpen.delete(header.producerId);
        continue;
      }
      if (header.attributes & Attribute.transactional && this.abortedOpen.has(header.producerId)) continue;
      if (lastOffset < this.fromOffset || header.recordCount === 0) continue;
      let records: Buffer;
      try {
        const payload = this.bytes.subarray(start + BATCH_HEADER_SIZE, start + sizeBytes);
        const compression = header.attributes & Attribute.compressionMask;
        records = compression === 0 ? payload : decompress(compression, payload);
      } catch (err) {
        throw this.failAt(header, `${(err as Error).message}`, err);
      }
      if (header.recordCount * RECORD_BYTES_MIN > records.length) {
        throw this.failAt(header, `record count ${header.recordCount} cannot fit in ${records.length} record bytes`);
      }
      this.skipBelowDelta = this.fromOffset > header.baseOffset ? Number(this.fromOffset - header.baseOffset) : 0;
      this.lastTimestampDelta = 0;
      this.lastTimestamp = header.baseTimestamp;
      this.cursor = new BatchCursor(records, 0, records.length, header.recordCount);
      return this.cursor;
    }
    if (this.failure !== null) throw this.failure;
    return null;
  }

  private readRecord(cursor: BatchCursor): boolean {
    try {
      return cursor.next();
    } catch (err) {
      if (!(err instanceof RecordBatchError)) throw err;
      throw this.failAt(this.batches[this.batchIndex]!.header, err.message, err);
    }
  }

  private timestampOf(header: BatchHeader, delta: number): bigint {
    if (header.attributes & Attribute.timestampTypeLogAppendTime) return header.maxTimestamp;
    // Records of a batch often share a timestamp: reuse the last bigint instead of making a new one.
    if (delta !== this.lastTimestampDelta) {
      this.lastTimestampDelta = delta;
      this.lastTimestamp = header.baseTimestamp + BigInt(delta);
    }
    return this.lastTimestamp;
  }

  /** A batch that failed while being handed out: it and everything after it stay undelivered. */
  private failAt(header: BatchHeader, reason: string, cause?: unknown): CorruptRecordError {
    this.cursor = null;
    this.batches.length = this.batchIndex;
    this.failure = this.corrupt(header.baseOffset, header.baseOffset + BigInt(header.lastOffsetDelta), reason, cause);
    return this.failure;
  }

  private corrupt(offset: bigint, lastOffset: bigint, reason: string, cause?: unknown): CorruptRecordError {
    const { topic, partition } = this.decoding;
    // A batch that starts before the fetch offset fails at the partition's position, which is what to seek past.
    const at = offset < this.fromOffset ? this.fromOffset : offset;
    return new CorruptRecordError(topic, partition, at, lastOffset, reason, cause === undefined ? {} : { cause });
  }
}
