/**
 * Writing and replaying `__consumer_offsets` records. A write is one
 * uncompressed batch appended to the group's partition; it is in the log
 * before the client is answered. Loading replays every partition from its
 * start: the last record per key wins and tombstones delete, which is
 * exactly what compaction would leave.
 */
import { type ConsumerOffsetsRecord, decodeConsumerOffsetsRecord } from '@fluxo/coordinator';
import {
  BATCH_HEADER_SIZE,
  BATCH_LOG_OVERHEAD,
  BATCH_OFFSET,
  decodeRecordBatch,
  encodeRecordBatch,
  ErrorCode,
} from '@fluxo/protocol';
import type { PartitionLog } from '@fluxo/storage';
import type { Logger } from '../log/logger.js';

export interface KeyValue {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

/**
 * Appends records as one batch; returns the log's error code (NONE once it is
 * in the log). A failing disk is KAFKA_STORAGE_ERROR, as Kafka reports it.
 */
export function appendRecords(log: PartitionLog, records: readonly KeyValue[], nowMs: number): number {
  if (records.length === 0) return ErrorCode.NONE;
  const timestamp = BigInt(nowMs);
  const batch = encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) });
  try {
    return log.append(batch, nowMs).errorCode;
  } catch {
    return ErrorCode.KAFKA_STORAGE_ERROR;
  }
}

/** Kafka's mapping of an append error shared by offset commits and group writes (the partition is not ours, or not writable). */
function coordinatorErrorFor(appendError: number): number | undefined {
  switch (appendError) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    default:
      return undefined;
  }
}

/** What an OffsetCommit is told when its records could not be appended (Kafka's GroupMetadataManager.storeOffsets). */
export function commitErrorFor(appendError: number): number {
  switch (appendError) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return coordinatorErrorFor(appendError) ?? appendError;
  }
}

/**
 * What members are told when a GroupMetadata record could not be appended
 * (Kafka's appendGroupMetadataErrorToResponseError): they find the
 * coordinator again or retry, and a record too large is the server's fault.
 */
export function groupWriteErrorFor(appendError: number): number {
  switch (appendError) {
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return coordinatorErrorFor(appendError) ?? appendError;
  }
}

/** Read size per step while loading; a larger batch is still read whole. */
const LOAD_READ_BYTES = 1024 * 1024;

/** Every record of one partition in log order. Corrupt or unknown records are logged and skipped. */
export function* replayPartition(log: PartitionLog, logger: Logger): Generator<ConsumerOffsetsRecord> {
  let offset = log.logStartOffset;
  const end = log.logEndOffset;
  while (offset < end) {
    const read = log.read(offset, LOAD_READ_BYTES, true);
    if (read.errorCode !== ErrorCode.NONE || read.records.length === 0) return;
    let position = 0;
    while (position < read.records.length) {
      let batch: ReturnType<typeof decodeRecordBatch>;
      try {
        batch = decodeRecordBatch(read.records, position);
      } catch (err) {
        const skip = skippableBatch(read.records, position);
        logger.warn('skipping unreadable __consumer_offsets batch', {
          partition: log.partition,
          offset,
          error: String(err),
          rest: skip === undefined ? 'unreadable too' : 'read on',
        });
        // Without a readable length there is no next batch to find: the rest of this partition is lost to the load.
        if (skip === undefined) return;
        position += skip.sizeBytes;
        offset = skip.nextOffset;
        continue;
      }
      position += batch.sizeBytes;
      offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (batch.isControl) continue;
      for (const record of batch.records) {
        if (record.key === null) continue;
        try {
          yield decodeConsumerOffsetsRecord(record.key, record.value);
        } catch (err) {
          logger.warn('skipping unreadable __consumer_offsets record', {
            partition: log.partition,
            offset: record.offset,
            error: String(err),
          });
        }
      }
    }
  }
}

/** The size and next offset of a batch that does not decode, when its header still says where it ends. */
function skippableBatch(records: Buffer, position: number): { sizeBytes: number; nextOffset: bigint } | undefined {
  if (records.length - position < BATCH_HEADER_SIZE) return undefined;
  const sizeBytes = records.readInt32BE(position + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
  if (sizeBytes < BATCH_HEADER_SIZE || position + sizeBytes > records.length) return undefined;
  const baseOffset = records.readBigInt64BE(position + BATCH_OFFSET.baseOffset);
  const lastOffsetDelta = records.readInt32BE(position + BATCH_OFFSET.lastOffsetDelta);
  return { sizeBytes, nextOffset: baseOffset + BigInt(lastOffsetDelta) + 1n };
}
