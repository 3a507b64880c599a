import { Attribute, BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BATCH_OFFSET, CURRENT_MAGIC, crc32c } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';

/** The limits a produced batch is checked against (from the topic's LogConfig). */
export interface BatchLimits {
  readonly maxMessageBytes: number;
  readonly logAppendTime: boolean;
  readonly timestampBeforeMaxMs: number;
  readonly timestampAfterMaxMs: number;
}

export interface BatchSetSummary {
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly batchCount: number;
  /** Sum of the batches' offset ranges (lastOffsetDelta + 1): the offsets the append consumes. */
  readonly offsetCount: number;
}

const fail = (errorCode: number, errorMessage: string): BatchSetSummary => ({
  errorCode,
  errorMessage,
  batchCount: 0,
  offsetCount: 0,
});

/**
 * Checks every batch's framing, magic, size, record count, CRC32C and (for
 * CreateTime) timestamp bounds without decoding a record. Any failure rejects
 * the whole set so nothing is written (Kafka's behaviour per partition).
 */
export function validateBatches(records: Buffer, limits: BatchLimits, nowMs: number): BatchSetSummary {
  let pos = 0;
  let batchCount = 0;
  let offsetCount = 0;
  if (records.length === 0) return fail(ErrorCode.INVALID_RECORD, 'produce request has no record batch');
  while (pos < records.length) {
    const remaining = records.length - pos;
    if (remaining < BATCH_HEADER_SIZE)
      return fail(ErrorCode.CORRUPT_MESSAGE, `truncated record batch: ${remaining} bytes at position ${pos}`);
    const batchLength = records.readInt32BE(pos + BATCH_OFFSET.batchLength);
    const size = batchLength + BATCH_LOG_OVERHEAD;
    if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || size > remaining)
      return fail(ErrorCode.CORRUPT_MESSAGE, `record batch length ${batchLength} does not fit the request`);
    const magic = records.readInt8(pos + BATCH_OFFSET.magic);
    if (magic !== CURRENT_MAGIC)
      return fail(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `record batch magic ${magic}: only magic 2 is accepted`);
    if (size > limits.maxMessageBytes)
      return fail(
        ErrorCode.MESSAGE_TOO_LARGE,
        `record batch of ${size} bytes exceeds max.message.bytes ${limits.maxMessageBytes}`,
      );
    const storedCrc = records.readUInt32BE(pos + BATCH_OFFSET.crc);
    if (crc32c(records.subarray(pos + BATCH_OFFSET.attributes, pos + size)) !== storedCrc)
      return fail(ErrorCode.CORRUPT_MESSAGE, `record batch at position ${pos} fails its CRC32C check`);
    const lastOffsetDelta = records.readInt32BE(pos + BATCH_OFFSET.lastOffsetDelta);
    const recordCount = records.readInt32BE(pos + BATCH_OFFSET.recordCount);
    if (recordCount < 1 || lastOffsetDelta !== recordCount - 1)
      return fail(
        ErrorCode.INVALID_RECORD,
        `record batch has ${recordCount} records but lastOffsetDelta ${lastOffsetDelta}`,
      );
    if (!limits.logAppendTime) {
      const reason = timestampProblem(records, pos, limits, nowMs);
      if (reason !== null) return fail(ErrorCode.INVALID_TIMESTAMP, reason);
    }
    batchCount++;
    offsetCount += lastOffsetDelta + 1;
    pos += size;
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null, batchCount, offsetCount };
}

/**
 * Batch-level bounds: the newest timestamp (maxTimestamp) against after.max.ms
 * and the first record's (baseTimestamp) against before.max.ms. Kafka checks
 * every record; this checks the batch's envelope so records stay undecoded.
 */
function timestampProblem(records: Buffer, pos: number, limits: BatchLimits, nowMs: number): string | null {
  const maxTimestamp = Number(records.readBigInt64BE(pos + BATCH_OFFSET.maxTimestamp));
  const baseTimestamp = Number(records.readBigInt64BE(pos + BATCH_OFFSET.baseTimestamp));
  if (maxTimestamp >= 0 && maxTimestamp - nowMs > limits.timestampAfterMaxMs)
    return `timestamp ${maxTimestamp} is more than message.timestamp.after.max.ms=${limits.timestampAfterMaxMs} ahead of broker time ${nowMs}`;
  if (baseTimestamp >= 0 && nowMs - baseTimestamp > limits.timestampBeforeMaxMs)
    return `timestamp ${baseTimestamp} is more than message.timestamp.before.max.ms=${limits.timestampBeforeMaxMs} behind broker time ${nowMs}`;
  return null;
}

/**
 * Patches each batch for the log: base offsets from `firstOffset` on, the
 * leader epoch, and with LogAppendTime the timestamp-type bit and maxTimestamp
 * (both under the CRC, so the CRC is recomputed). The buffer must have passed
 * validateBatches. Returns the next offset.
 */
export function assignOffsets(
  records: Buffer,
  firstOffset: bigint,
  leaderEpoch: number,
  logAppendTimeMs: number | null,
): bigint {
  let pos = 0;
  let next = firstOffset;
  while (pos < records.length) {
    const size = records.readInt32BE(pos + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
    records.writeBigInt64BE(next, pos + BATCH_OFFSET.baseOffset);
    records.writeInt32BE(leaderEpoch, pos + BATCH_OFFSET.partitionLeaderEpoch);
    if (logAppendTimeMs !== null) {
      const attributes = records.readInt16BE(pos + BATCH_OFFSET.attributes);
      records.writeInt16BE(attributes | Attribute.timestampTypeLogAppendTime, pos + BATCH_OFFSET.attributes);
      records.writeBigInt64BE(BigInt(logAppendTimeMs), pos + BATCH_OFFSET.maxTimestamp);
      records.writeUInt32BE(
        crc32c(records.subarray(pos + BATCH_OFFSET.attributes, pos + size)),
        pos + BATCH_OFFSET.crc,
      );
    }
    next += BigInt(records.readInt32BE(pos + BATCH_OFFSET.lastOffsetDelta) + 1);
    pos += size;
  }
  return next;
}
