import { Attribute, BATCH_OFFSET, type BatchHeader } from './batch-header.js';
import { crc32c } from './crc32c.js';

/**
 * In-place edits the broker makes to a validated batch before appending it.
 * baseOffset and partitionLeaderEpoch lie outside the CRC, so they are
 * patched alone; LogAppendTime changes attributes and maxTimestamp, inside
 * the CRC, which is recomputed (as Kafka's LogValidator does).
 */
export function patchBaseOffset(batch: Buffer, position: number, baseOffset: bigint): void {
  batch.writeBigInt64BE(baseOffset, position + BATCH_OFFSET.baseOffset);
}

export function patchPartitionLeaderEpoch(batch: Buffer, position: number, epoch: number): void {
  batch.writeInt32BE(epoch, position + BATCH_OFFSET.partitionLeaderEpoch);
}

/** Marks the batch LogAppendTime with `timestamp` as its maxTimestamp and re-signs it. `sizeBytes` from checkBatch. */
export function applyLogAppendTime(batch: Buffer, position: number, sizeBytes: number, timestamp: bigint): void {
  const attributes = batch.readInt16BE(position + BATCH_OFFSET.attributes);
  batch.writeInt16BE(attributes | Attribute.timestampTypeLogAppendTime, position + BATCH_OFFSET.attributes);
  batch.writeBigInt64BE(timestamp, position + BATCH_OFFSET.maxTimestamp);
  const crc = crc32c(batch.subarray(position + BATCH_OFFSET.attributes, position + sizeBytes));
  batch.writeUInt32BE(crc, position + BATCH_OFFSET.crc);
}

const INT32_MAX = 0x7fffffff;

/**
 * The sequence number of the batch's last record; sequences wrap from
 * Integer.MAX_VALUE to 0 (DefaultRecordBatch.incrementSequence). -1 without one.
 */
export function lastSequenceOf(header: Pick<BatchHeader, 'baseSequence' | 'lastOffsetDelta'>): number {
  const { baseSequence, lastOffsetDelta } = header;
  if (baseSequence < 0) return -1;
  if (baseSequence > INT32_MAX - lastOffsetDelta) return lastOffsetDelta - (INT32_MAX - baseSequence) - 1;
  return baseSequence + lastOffsetDelta;
}
