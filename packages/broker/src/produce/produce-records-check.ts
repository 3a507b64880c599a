import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BATCH_OFFSET, CompressionType, CURRENT_MAGIC } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';

/** First Produce version allowed to carry zstd batches (KIP-110). */
const FIRST_ZSTD_VERSION = 7;

/**
 * Kafka's ProduceRequest.validateRecords, per partition: exactly one whole v2
 * batch (INVALID_RECORD otherwise) and no zstd before v7
 * (UNSUPPORTED_COMPRESSION_TYPE). Reads two header fields, nothing more.
 */
export function checkProduceRecords(
  records: Buffer | null,
  version: number,
): { errorCode: number; errorMessage: string } | null {
  const prefix = `Produce requests with version ${version}`;
  const whole = (at: number) =>
    records !== null &&
    at + BATCH_LOG_OVERHEAD <= records.length &&
    at + records.readInt32BE(at + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD <= records.length;
  if (records === null || records.length < BATCH_HEADER_SIZE || !whole(0))
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      errorMessage: `${prefix} must have at least one record batch per partition`,
    };
  if (records.readInt8(BATCH_OFFSET.magic) !== CURRENT_MAGIC)
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      errorMessage: `${prefix} are only allowed to contain record batches with magic version 2`,
    };
  const compression = records.readInt16BE(BATCH_OFFSET.attributes) & 0x07;
  if (version < FIRST_ZSTD_VERSION && compression === CompressionType.zstd)
    return {
      errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
      errorMessage: `${prefix} are not allowed to use ZStandard compression`,
    };
  if (whole(records.readInt32BE(BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD))
    return {
      errorCode: ErrorCode.INVALID_RECORD,
      errorMessage: `${prefix} are only allowed to contain exactly one record batch per partition`,
    };
  return null;
}
