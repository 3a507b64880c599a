/**
 * Writing and replaying `__consumer_offsets` records. A write is one
 * uncompressed batch appended to the group's partition; it is in the log
 * before the client is answered. Loading replays every partition from its
 * start: the last record per key wins and tombstones delete, which is
 * exactly what compaction would leave.
 */
import { type ConsumerOffsetsRecord, decodeConsumerOffsetsRecord } from '@fluxo/coordinator';
import { decodeRecordBatch, encodeRecordBatch, ErrorCode } from '@fluxo/protocol';
import type { PartitionLog } from '@fluxo/storage';
import type { Logger } from '../log/logger.js';

export interface KeyValue {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

/** Appends records as one batch; returns a Kafka error code for the commit or group write. */
export function appendRecords(log: PartitionLog, records: readonly KeyValue[], nowMs: number): number {
  if (records.length === 0) return ErrorCode.NONE;
  const timestamp = BigInt(nowMs);
  const batch = encodeRecordBatch({ records: records.map((r) => ({ key: r.key, value: r.value, timestamp })) });
  const result = log.append(batch, nowMs);
  return commitErrorFor(result.errorCode);
}

/** Kafka's mapping of a failed append of coordinator records to what the client is told. */
function commitErrorFor(appendError: number): number {
  switch (appendError) {
    case ErrorCode.NONE:
      return ErrorCode.NONE;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
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
        logger.warn('skipping unreadable __consumer_offsets data', {
          partition: log.partition,
          offset,
          error: String(err),
        });
        return;
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
