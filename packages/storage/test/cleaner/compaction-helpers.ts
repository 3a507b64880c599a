import type { ManualClock } from '@fluxo/core';
import { CompressionType, decodeRecordBatch, encodeRecordBatch, type RecordBatch } from '@fluxo/protocol';
import { type CleanerConfig, LogCleaner, type PartitionLog } from '../../src/index.js';

export interface Kv {
  key: string | null;
  value: string | null;
}

export interface BatchOptions {
  compression?: number;
  timestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
}

/** One v2 batch of keyed records (value null: a tombstone). */
export function kvBatch(records: readonly Kv[], options: BatchOptions = {}): Buffer {
  const timestamp = BigInt(options.timestamp ?? 1_700_000_000_000);
  return encodeRecordBatch({
    compression: options.compression ?? CompressionType.none,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    baseSequence: options.baseSequence,
    records: records.map((r) => ({
      key: r.key === null ? null : Buffer.from(r.key),
      value: r.value === null ? null : Buffer.from(r.value),
      timestamp,
    })),
  });
}

export function appendKv(log: PartitionLog, records: readonly Kv[], nowMs: number, options: BatchOptions = {}) {
  const result = log.append(kvBatch(records, { timestamp: nowMs, ...options }), nowMs);
  if (result.errorCode !== 0) throw new Error(`append failed: ${result.errorCode} ${result.errorMessage}`);
  return result;
}

export interface ReadRecord {
  offset: bigint;
  key: string | null;
  value: string | null;
  timestamp: bigint;
}

/** Every batch from the log start to the end, read as a consumer would (following gaps). */
export function readBatches(log: PartitionLog): RecordBatch[] {
  const out: RecordBatch[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = log.read(offset, 1 << 20, true);
    if (read.errorCode !== 0) throw new Error(`read at ${offset}: ${read.errorCode}`);
    if (read.records.length === 0) break;
    for (let at = 0; at < read.records.length; ) {
      const batch = decodeRecordBatch(read.records, at);
      out.push(batch);
      at += batch.sizeBytes;
      offset = batch.baseOffset + BigInt(batch.lastOffsetDelta) + 1n;
    }
  }
  return out;
}

export function readAll(log: PartitionLog): ReadRecord[] {
  return readBatches(log).flatMap((b) =>
    b.records.map((r) => ({
      offset: r.offset,
      key: r.key === null ? null : r.key.toString(),
      value: r.value === null ? null : r.value.toString(),
      timestamp: r.timestamp,
    })),
  );
}

/** key → value of the last record read per key (null for a tombstone). */
export function latestByKey(records: readonly ReadRecord[]): Map<string | null, string | null> {
  const out = new Map<string | null, string | null>();
  for (const r of records) out.set(r.key, r.value);
  return out;
}

export function cleanerFor(
  logs: PartitionLog[],
  clock: ManualClock,
  config: Partial<CleanerConfig> = {},
  warnings: string[] = [],
): LogCleaner {
  return new LogCleaner({
    clock,
    config,
    logs: () => logs,
    warn: (message, fields) => warnings.push(`${message} ${JSON.stringify(fields)}`),
  });
}

/** Topic config of a compacted test log: cleans as soon as anything is dirty. */
export const COMPACT = { cleanupPolicy: ['compact'], minCleanableDirtyRatio: 0.01 } as const;
