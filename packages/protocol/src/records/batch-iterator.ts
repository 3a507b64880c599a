import { BATCH_LOG_OVERHEAD, BATCH_OFFSET } from './batch-header.js';
import { RecordBatchError } from './record-batch-error.js';

/** Smallest legal size after the length field of any message format (v0: crc, magic, attributes, key and value lengths). */
const LEGACY_MESSAGE_BYTES_MIN = 14;
/** magic sits at byte 16 in every format (v0/v1 messages: its offset after crc). */
const MAGIC_OFFSET = BATCH_OFFSET.magic;

/** One whole batch found in a buffer of many (the bytes are a view, not a copy). */
export interface BatchSlice {
  /** Position of the batch in the scanned buffer. */
  position: number;
  sizeBytes: number;
  baseOffset: bigint;
  magic: number;
  bytes: Buffer;
}

/**
 * Walks the batches in a buffer of many (a Fetch response's records, a log
 * segment) by their length fields only. A last batch cut short (Fetch responses
 * end mid-batch when max.bytes is reached) ends the walk cleanly:
 * `truncated` becomes true and `wholeBytesEnd` tells where the whole batches end.
 * A length that no batch can have throws RecordBatchError: that is corruption,
 * not truncation.
 */
export class RecordBatchIterator implements IterableIterator<BatchSlice> {
  private position: number;
  /** End of the last whole batch yielded (equals the start while nothing was yielded). */
  wholeBytesEnd: number;
  truncated = false;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.position = start;
    this.wholeBytesEnd = start;
  }

  [Symbol.iterator](): IterableIterator<BatchSlice> {
    return this;
  }

  next(): IteratorResult<BatchSlice> {
    const at = this.position;
    const left = this.end - at;
    if (left === 0) return { done: true, value: undefined };
    // The length and magic fields must be present to judge the batch.
    if (left < MAGIC_OFFSET + 1) return this.stopTruncated();
    const length = this.buf.readInt32BE(at + BATCH_OFFSET.batchLength);
    if (length < LEGACY_MESSAGE_BYTES_MIN) {
      throw new RecordBatchError('invalid-length', `batch at byte ${at} has invalid length ${length}`);
    }
    const sizeBytes = length + BATCH_LOG_OVERHEAD;
    if (sizeBytes > left) return this.stopTruncated();
    this.position = at + sizeBytes;
    this.wholeBytesEnd = this.position;
    return {
      done: false,
      value: {
        position: at,
        sizeBytes,
        baseOffset: this.buf.readBigInt64BE(at),
        magic: this.buf.readInt8(at + MAGIC_OFFSET),
        bytes: this.buf.subarray(at, at + sizeBytes),
      },
    };
  }

  private stopTruncated(): IteratorResult<BatchSlice> {
    this.truncated = true;
    this.position = this.end;
    return { done: true, value: undefined };
  }
}

/** Convenience: all whole batches, plus where they end and whether a partial batch followed. */
export function splitBatches(
  buf: Buffer,
  start = 0,
  end = buf.length,
): { batches: BatchSlice[]; wholeBytesEnd: number; truncated: boolean } {
  const it = new RecordBatchIterator(buf, start, end);
  const batches = [...it];
  return { batches, wholeBytesEnd: it.wholeBytesEnd, truncated: it.truncated };
}
