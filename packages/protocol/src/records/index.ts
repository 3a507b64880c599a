export * from './batch-header.js';
export { CRC32C_NATIVE_THRESHOLD_BYTES, crc32c, crc32cJs, crc32cNative } from './crc32c.js';
export type { DecodedRecord, RecordHeader, RecordInit } from './record.js';
export { RECORD_BYTES_MIN } from './record.js';
export { RecordBatchError, type RecordBatchErrorReason, errorCodeForReason } from './record-batch-error.js';
export { readRecord, writeRecord } from './record-codec.js';
export { BATCH_LENGTH_MIN, type BatchCheck, type BatchCheckOptions, checkBatch } from './batch-check.js';
export {
  NO_PRODUCER_ID,
  NO_TIMESTAMP,
  type RecordBatchInit,
  TimestampType,
  encodeRecordBatch,
} from './batch-encode.js';
export { type DecodeBatchOptions, type RecordBatch, decodeRecordBatch } from './batch-decode.js';
export { type BatchSlice, RecordBatchIterator, splitBatches } from './batch-iterator.js';
export {
  ControlRecordType,
  type EndTransactionMarker,
  type MarkerBatchInit,
  encodeControlKey,
  encodeEndTransactionMarkerBatch,
  encodeMarkerValue,
  readControlType,
  readEndTransactionMarker,
} from './control-record.js';
export { applyLogAppendTime, lastSequenceOf, patchBaseOffset, patchPartitionLeaderEpoch } from './batch-patch.js';
// Allocation-free walk over a batch's records (the consumer's hot path); decodeRecord allocates per record.
export { BatchCursor } from './batch-cursor.js';
