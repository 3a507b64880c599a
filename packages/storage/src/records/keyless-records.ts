import {
  Attribute,
  BATCH_LOG_OVERHEAD,
  BATCH_OFFSET,
  decodeRecordBatch,
  ErrorCode,
  ProtocolDecodeError,
} from '@fluxo/protocol';

/**
 * Kafka's LogValidator.validateKey: a compacted topic rejects any record
 * without a key (INVALID_RECORD). Records are decoded (decompressed) for
 * this, as Kafka does for compacted topics. Returns null when every record
 * has a key, else the error; the batches were validated (framing, CRC) before.
 */
export function checkRecordsHaveKeys(
  records: Buffer,
  topicPartition: string,
): { errorCode: number; errorMessage: string } | null {
  for (let at = 0; at < records.length; ) {
    const size = records.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
    if ((records.readInt16BE(at + BATCH_OFFSET.attributes) & Attribute.control) === 0) {
      try {
        const batch = decodeRecordBatch(records, at, { verifyCrc: false });
        if (batch.records.some((r) => r.key === null))
          return {
            errorCode: ErrorCode.INVALID_RECORD,
            errorMessage: `Compacted topic cannot accept message without key in topic partition ${topicPartition}.`,
          };
      } catch (err) {
        if (!(err instanceof ProtocolDecodeError)) throw err;
        const code = (err as { errorCode?: number }).errorCode ?? ErrorCode.CORRUPT_MESSAGE;
        return { errorCode: code, errorMessage: err.message };
      }
    }
    at += size;
  }
  return null;
}
