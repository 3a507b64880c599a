import {
  Attribute,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  BATCH_OFFSET,
  type BatchHeader,
  CURRENT_MAGIC,
  readBatchHeader,
} from './batch-header.js';
import { crc32c } from './crc32c.js';
import { RECORD_BYTES_MIN } from './record.js';
import { type RecordBatchErrorReason, errorCodeForReason } from './record-batch-error.js';

/** batchLength of a batch with no records: the header minus baseOffset and batchLength. */
export const BATCH_LENGTH_MIN = BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD;

export interface BatchCheckOptions {
  /** Verify the CRC32C (default true). */
  verifyCrc?: boolean;
  /**
   * Apply the rules Kafka applies to a producer's batch (LogValidator): at least
   * one record, and recordCount === lastOffsetDelta + 1. Off for batches read
   * back from a log, where compaction leaves gaps and even empty batches.
   */
  producerBatch?: boolean;
  /** Refuse batches larger than this many bytes in total (e.g. message.max.bytes). */
  maxBatchBytes?: number;
}

export type BatchCheck =
  | { ok: true; header: BatchHeader; sizeBytes: number }
  | { ok: false; reason: RecordBatchErrorReason; errorCode: number; message: string };

function fail(reason: RecordBatchErrorReason, message: string): BatchCheck {
  return { ok: false, reason, errorCode: errorCodeForReason(reason), message };
}

/**
 * The broker's hot-path check of one v2 batch at `offset`, without decoding
 * records: size, magic, record count against lastOffsetDelta, CRC32C over
 * attributes..end. Returns a value (never throws on bad bytes), so a produce
 * handler can map it straight to a partition error code.
 */
export function checkBatch(buf: Buffer, offset = 0, options: BatchCheckOptions = {}): BatchCheck {
  const available = buf.length - offset;
  if (available < BATCH_HEADER_SIZE) {
    return fail('truncated', `batch needs ${BATCH_HEADER_SIZE} header bytes, have ${Math.max(0, available)}`);
  }
  const magic = buf.readInt8(offset + BATCH_OFFSET.magic);
  if (magic !== CURRENT_MAGIC) return fail('unsupported-magic', `batch magic ${magic} is not ${CURRENT_MAGIC}`);
  const batchLength = buf.readInt32BE(offset + BATCH_OFFSET.batchLength);
  if (batchLength < BATCH_LENGTH_MIN)
    return fail('invalid-length', `batch length ${batchLength} is below ${BATCH_LENGTH_MIN}`);
  const sizeBytes = batchLength + BATCH_LOG_OVERHEAD;
  if (options.maxBatchBytes !== undefined && sizeBytes > options.maxBatchBytes) {
    return fail('invalid-length', `batch of ${sizeBytes} bytes exceeds the limit of ${options.maxBatchBytes}`);
  }
  if (sizeBytes > available) return fail('truncated', `batch of ${sizeBytes} bytes, only ${available} present`);
  const header = readBatchHeader(buf, offset);
  const countProblem = recordCountProblem(header, sizeBytes, options.producerBatch === true);
  if (countProblem !== undefined) return fail('invalid-record-count', countProblem);
  if (options.verifyCrc !== false) {
    const computed = crc32c(buf.subarray(offset + BATCH_OFFSET.attributes, offset + sizeBytes));
    if (computed !== header.crc) {
      return fail(
        'crc-mismatch',
        `batch CRC32C ${header.crc.toString(16)} does not match computed ${computed.toString(16)}`,
      );
    }
  }
  return { ok: true, header, sizeBytes };
}

function recordCountProblem(header: BatchHeader, sizeBytes: number, producerBatch: boolean): string | undefined {
  const { recordCount, lastOffsetDelta } = header;
  if (recordCount < 0) return `record count ${recordCount} is negative`;
  if (lastOffsetDelta < 0) return `last offset delta ${lastOffsetDelta} is negative`;
  if (recordCount > lastOffsetDelta + 1) {
    return `record count ${recordCount} exceeds the offset range lastOffsetDelta + 1 = ${lastOffsetDelta + 1}`;
  }
  const compressed = (header.attributes & Attribute.compressionMask) !== 0;
  if (!compressed && recordCount * RECORD_BYTES_MIN > sizeBytes - BATCH_HEADER_SIZE) {
    return `record count ${recordCount} cannot fit in ${sizeBytes - BATCH_HEADER_SIZE} record bytes`;
  }
  if (producerBatch) {
    if (recordCount === 0) return 'a produced batch must hold at least one record';
    if (recordCount !== lastOffsetDelta + 1) {
      return `record count ${recordCount} does not match lastOffsetDelta + 1 = ${lastOffsetDelta + 1}`;
    }
  }
  return undefined;
}
