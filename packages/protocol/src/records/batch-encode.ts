import { type CompressOptions, compress } from '../compression/codecs.js';
import { CompressionError } from '../compression/compression-error.js';
import { ProtocolEncodeError } from '../primitives/protocol-error.js';
import { Writer } from '../primitives/writer.js';
import {
  Attribute,
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  BATCH_OFFSET,
  CURRENT_MAGIC,
  CompressionType,
} from './batch-header.js';
import { crc32c } from './crc32c.js';
import type { RecordInit } from './record.js';
import { writeRecord } from './record-codec.js';

/** Kafka's "no timestamp" value (RecordBatch.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1n;
/** Kafka's "no producer id" value (RecordBatch.NO_PRODUCER_ID); epoch and sequence use -1 too. */
export const NO_PRODUCER_ID = -1n;

export const TimestampType = { createTime: 0, logAppendTime: 1 } as const;

export interface RecordBatchInit {
  baseOffset?: bigint;
  /** -1 from producers; the leader stamps its epoch on append. */
  partitionLeaderEpoch?: number;
  compression?: number;
  /** Compression level for gzip/zstd (see CompressOptions). */
  compressionLevel?: number;
  timestampType?: (typeof TimestampType)[keyof typeof TimestampType];
  isTransactional?: boolean;
  isControl?: boolean;
  /** Defaults to the first record's timestamp, else NO_TIMESTAMP. */
  baseTimestamp?: bigint;
  /** Defaults to the largest record timestamp. */
  maxTimestamp?: bigint;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Defaults to the last record's offsetDelta (records.length - 1). */
  lastOffsetDelta?: number;
  records: readonly RecordInit[];
}

function attributesOf(init: RecordBatchInit, compression: number): number {
  let attributes = compression;
  if (init.timestampType === TimestampType.logAppendTime) attributes |= Attribute.timestampTypeLogAppendTime;
  if (init.isTransactional) attributes |= Attribute.transactional;
  if (init.isControl) attributes |= Attribute.control;
  return attributes;
}

/** Per-record overhead beyond key and value bytes, generous enough that most batches never regrow. */
const RECORD_OVERHEAD_ESTIMATE_BYTES = 24;
const HEADER_ESTIMATE_BYTES = 32;

function estimateBytes(records: readonly RecordInit[]): number {
  let bytes = BATCH_HEADER_SIZE;
  for (const r of records) {
    bytes += RECORD_OVERHEAD_ESTIMATE_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
    if (r.headers) for (const h of r.headers) bytes += HEADER_ESTIMATE_BYTES + (h.value?.length ?? 0);
  }
  return bytes;
}

/** Encodes a complete v2 batch (header, CRC32C, optionally compressed records) into one Buffer. */
export function encodeRecordBatch(init: RecordBatchInit): Buffer {
  const compression = init.compression ?? CompressionType.none;
  if (compression < CompressionType.none || compression > CompressionType.zstd) {
    throw new CompressionError('unsupported-codec', `unsupported compression type ${compression}`);
  }
  const { records } = init;
  const baseTimestamp = init.baseTimestamp ?? records[0]?.timestamp ?? NO_TIMESTAMP;
  let maxTimestamp = baseTimestamp;
  let lastOffsetDelta = records.length === 0 ? 0 : records.length - 1;
  const uncompressed = compression === CompressionType.none;
  const w = new Writer(estimateBytes(records));
  if (uncompressed) w.writeRaw(Buffer.alloc(BATCH_HEADER_SIZE)); // filled in below
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp ?? baseTimestamp;
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const offsetDelta = record.offsetDelta ?? i;
    lastOffsetDelta = offsetDelta;
    writeRecord(w, record, offsetDelta, Number(timestamp - baseTimestamp));
  }
  let batch: Buffer;
  if (uncompressed) {
    batch = w.toBuffer();
  } else {
    const options: CompressOptions = init.compressionLevel === undefined ? {} : { level: init.compressionLevel };
    const payload = compress(compression, w.toBuffer(), options);
    batch = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
    payload.copy(batch, BATCH_HEADER_SIZE);
  }
  if (batch.length - BATCH_LOG_OVERHEAD > 0x7fffffff) throw new ProtocolEncodeError('record batch exceeds 2 GiB');
  batch.writeBigInt64BE(init.baseOffset ?? 0n, BATCH_OFFSET.baseOffset);
  batch.writeInt32BE(batch.length - BATCH_LOG_OVERHEAD, BATCH_OFFSET.batchLength);
  batch.writeInt32BE(init.partitionLeaderEpoch ?? -1, BATCH_OFFSET.partitionLeaderEpoch);
  batch.writeInt8(CURRENT_MAGIC, BATCH_OFFSET.magic);
  batch.writeInt16BE(attributesOf(init, compression), BATCH_OFFSET.attributes);
  batch.writeInt32BE(init.lastOffsetDelta ?? lastOffsetDelta, BATCH_OFFSET.lastOffsetDelta);
  batch.writeBigInt64BE(baseTimestamp, BATCH_OFFSET.baseTimestamp);
  batch.writeBigInt64BE(init.maxTimestamp ?? maxTimestamp, BATCH_OFFSET.maxTimestamp);
  batch.writeBigInt64BE(init.producerId ?? NO_PRODUCER_ID, BATCH_OFFSET.producerId);
  batch.writeInt16BE(init.producerEpoch ?? -1, BATCH_OFFSET.producerEpoch);
  batch.writeInt32BE(init.baseSequence ?? -1, BATCH_OFFSET.baseSequence);
  batch.writeInt32BE(records.length, BATCH_OFFSET.recordCount);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  return batch;
}
