import {
  Attribute,
  BATCH_OFFSET,
  crc32c,
  type DecodedRecord,
  decodeRecordBatch,
  encodeRecordBatch,
  readBatchHeader,
  TimestampType,
} from '@fluxo/protocol';
import type { KeyOffsetMap } from './key-offset-map.js';

export interface FilterContext {
  readonly map: KeyOffsetMap;
  /** Wall time of this cleaning (Kafka's currentTime). */
  readonly nowMs: number;
  /** delete.retention.ms: a tombstone's batch gets deleteHorizon = now + this when first cleaned. */
  readonly deleteRetentionMs: number;
  /** Largest batch the decoder may inflate to. */
  readonly maxDecompressedBytes: number;
}

export interface FilterOutcome {
  /** What to write in place of the batch: the same bytes, a rewritten batch, or null (dropped). */
  readonly output: Buffer | null;
  readonly recordsRead: number;
  readonly recordsKept: number;
  /** The delete horizon of the tombstones kept, or -1 when none is kept. */
  readonly tombstoneHorizonMs: number;
}

/**
 * Kafka's MemoryRecords.filterTo with the cleaner's filter, for one v2 batch:
 * a record stays when it is past the map's latest offset, or is the latest
 * for its key and either has a value or is a tombstone whose batch's delete
 * horizon (KIP-534) has not passed. Keyless records go (a compacted log cannot
 * use them). A batch keeping everything, and needing no new horizon, is
 * copied as is; otherwise it is rebuilt with the same codec, base offset,
 * offset deltas, last offset delta, producer fields and leader epoch. A batch
 * left empty is dropped, unless `retainEmpty` (the batch is its idempotent
 * producer's last) keeps its header with no records, as Kafka's RETAIN_EMPTY does. Control batches are kept as they are
 * (transactions are not implemented). Throws the decoder's errors on corrupt bytes.
 */
export function filterBatch(batch: Buffer, ctx: FilterContext, retainEmpty: boolean): FilterOutcome {
  const header = readBatchHeader(batch, 0);
  if ((header.attributes & Attribute.control) !== 0)
    return { output: batch, recordsRead: 0, recordsKept: 0, tombstoneHorizonMs: -1 };
  const decoded = decodeRecordBatch(batch, 0, { maxDecompressedBytes: ctx.maxDecompressedBytes });
  // An empty batch (kept earlier for a producer) goes once it is no longer its producer's last.
  if (decoded.records.length === 0)
    return { output: retainEmpty ? batch : null, recordsRead: 0, recordsKept: 0, tombstoneHorizonMs: -1 };
  const horizonMs = decoded.hasDeleteHorizon ? Number(decoded.baseTimestamp) : -1;
  const tombstonesGo = horizonMs >= 0 && ctx.nowMs >= horizonMs;
  const kept: DecodedRecord[] = [];
  let tombstoneKept = false;
  for (const record of decoded.records) {
    if (!retain(record, ctx.map, tombstonesGo)) continue;
    kept.push(record);
    if (record.value === null) tombstoneKept = true;
  }
  const setsHorizon = tombstoneKept && horizonMs < 0;
  const newHorizonMs = setsHorizon ? ctx.nowMs + ctx.deleteRetentionMs : horizonMs;
  const outcome = (output: Buffer | null): FilterOutcome => ({
    output,
    recordsRead: decoded.records.length,
    recordsKept: kept.length,
    tombstoneHorizonMs: tombstoneKept ? newHorizonMs : -1,
  });
  if (kept.length === decoded.records.length && !setsHorizon) return outcome(batch);
  const logAppendTime = decoded.timestampType === TimestampType.logAppendTime;
  const common = {
    baseOffset: decoded.baseOffset,
    partitionLeaderEpoch: decoded.partitionLeaderEpoch,
    timestampType: logAppendTime ? TimestampType.logAppendTime : TimestampType.createTime,
    isTransactional: decoded.isTransactional,
    producerId: decoded.producerId,
    producerEpoch: decoded.producerEpoch,
    baseSequence: decoded.baseSequence,
    lastOffsetDelta: decoded.lastOffsetDelta,
  };
  if (kept.length === 0) {
    if (!retainEmpty) return outcome(null);
    // Kafka's writeEmptyHeader: no records, both timestamps the batch's max.
    return outcome(
      encodeRecordBatch({
        ...common,
        baseTimestamp: decoded.maxTimestamp,
        maxTimestamp: decoded.maxTimestamp,
        records: [],
      }),
    );
  }
  let maxTimestamp = -1n;
  for (const r of kept) if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
  const rebuilt = encodeRecordBatch({
    ...common,
    compression: decoded.compression,
    // With a delete horizon the base timestamp holds it; record deltas are taken from there.
    baseTimestamp: newHorizonMs >= 0 ? BigInt(newHorizonMs) : decoded.baseTimestamp,
    maxTimestamp: logAppendTime ? decoded.maxTimestamp : maxTimestamp,
    records: kept.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestamp: r.timestamp,
      offsetDelta: r.offsetDelta,
    })),
  });
  if (newHorizonMs >= 0) markDeleteHorizon(rebuilt);
  return outcome(rebuilt);
}

function retain(record: DecodedRecord, map: KeyOffsetMap, tombstonesGo: boolean): boolean {
  if (record.offset > map.latestOffset) return true;
  if (record.key === null) return false;
  const latest = map.get(record.key);
  if (latest >= 0n && record.offset < latest) return false;
  return record.value !== null || !tombstonesGo;
}

/** Sets the hasDeleteHorizon attribute and re-signs the CRC32C (which covers the attributes). */
function markDeleteHorizon(batch: Buffer): void {
  const attributes = batch.readInt16BE(BATCH_OFFSET.attributes) | Attribute.hasDeleteHorizon;
  batch.writeInt16BE(attributes, BATCH_OFFSET.attributes);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
}
