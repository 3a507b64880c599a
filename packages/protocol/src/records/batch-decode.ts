import { type DecompressOptions, decompress } from '../compression/codecs.js';
import { Reader } from '../primitives/reader.js';
import { Attribute, BATCH_HEADER_SIZE, type BatchHeader } from './batch-header.js';
import { type BatchCheckOptions, checkBatch } from './batch-check.js';
import { RECORD_BYTES_MIN, type DecodedRecord } from './record.js';
import { RecordBatchError } from './record-batch-error.js';
import { readRecord } from './record-codec.js';

export interface RecordBatch extends BatchHeader {
  compression: number;
  /** 0 CreateTime, 1 LogAppendTime */
  timestampType: number;
  isTransactional: boolean;
  isControl: boolean;
  /** Set by compaction (KIP-534): baseTimestamp then holds the delete horizon. */
  hasDeleteHorizon: boolean;
  /** Total bytes of the batch (batchLength + 12). */
  sizeBytes: number;
  records: DecodedRecord[];
}

export interface DecodeBatchOptions extends DecompressOptions, Omit<BatchCheckOptions, 'producerBatch'> {}

/**
 * Decodes the v2 batch at `offset` in `buf`: checks it as checkBatch does
 * (including CRC unless verifyCrc is false), decompresses within the
 * configured limit, and decodes every record. Uncompressed keys and values are
 * views of `buf`. Throws RecordBatchError or CompressionError, nothing else.
 */
export function decodeRecordBatch(buf: Buffer, offset = 0, options: DecodeBatchOptions = {}): RecordBatch {
  const check = checkBatch(buf, offset, options);
  if (!check.ok) throw new RecordBatchError(check.reason, check.message);
  const { header, sizeBytes } = check;
  const compression = header.attributes & Attribute.compressionMask;
  const payload = buf.subarray(offset + BATCH_HEADER_SIZE, offset + sizeBytes);
  const recordBytes = compression === 0 ? payload : decompress(compression, payload, options);
  if (header.recordCount * RECORD_BYTES_MIN > recordBytes.length) {
    throw new RecordBatchError(
      'invalid-record-count',
      `record count ${header.recordCount} cannot fit in ${recordBytes.length} record bytes`,
    );
  }
  const r = new Reader(recordBytes);
  const records: DecodedRecord[] = new Array(header.recordCount);
  for (let i = 0; i < header.recordCount; i++) records[i] = readRecord(r, header.baseOffset, header.baseTimestamp);
  if (r.remaining !== 0) {
    throw new RecordBatchError(
      'invalid-record',
      `${r.remaining} bytes follow the batch's ${header.recordCount} records`,
    );
  }
  return {
    ...header,
    compression,
    timestampType: header.attributes & Attribute.timestampTypeLogAppendTime ? 1 : 0,
    isTransactional: (header.attributes & Attribute.transactional) !== 0,
    isControl: (header.attributes & Attribute.control) !== 0,
    hasDeleteHorizon: (header.attributes & Attribute.hasDeleteHorizon) !== 0,
    sizeBytes,
    records,
  };
}
