// Test helpers for the data path, on @fluxo/protocol's record batch codec (itself
// proven against kafkajs, librdkafka and the Java client). Storage's tests keep an
// independent byte-level builder so the log is not tested only against our encoder.
import { decodeRecordBatch, encodeRecordBatch, RecordBatchIterator } from '@fluxo/protocol';

export interface TestRecord {
  key?: Buffer | null;
  value: Buffer | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
  headers?: { key: string; value: Buffer | null }[];
}

export interface TestBatchOptions {
  baseTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Only the compression bits are used (the batch is compressed with that codec). */
  attributes?: number;
}

export function buildBatch(records: TestRecord[], options: TestBatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? 0;
  return encodeRecordBatch({
    baseTimestamp: BigInt(baseTimestamp),
    compression: (options.attributes ?? 0) & 0x07,
    producerId: options.producerId ?? -1n,
    producerEpoch: options.producerEpoch ?? -1,
    baseSequence: options.baseSequence ?? -1,
    records: records.map((r) => ({
      key: r.key ?? null,
      value: r.value,
      headers: r.headers ?? [],
      timestamp: BigInt(r.timestamp ?? baseTimestamp),
    })),
  });
}

/** A batch of `count` records with `valueBytes`-byte values, all at `timestamp`. */
export function simpleBatch(count: number, timestamp: number, valueBytes = 16, fill = 0x61): Buffer {
  const value = Buffer.alloc(valueBytes, fill);
  return buildBatch(Array.from({ length: count }, () => ({ key: null, value, timestamp })));
}

/** (offset, timestamp, value) of every record in a record set; LogAppendTime batches report their maxTimestamp. */
export function decodeRecords(records: Buffer): { offset: bigint; timestamp: number; value: Buffer | null }[] {
  const out: { offset: bigint; timestamp: number; value: Buffer | null }[] = [];
  for (const slice of new RecordBatchIterator(records)) {
    const batch = decodeRecordBatch(slice.bytes);
    for (const r of batch.records) {
      const timestamp = batch.timestampType === 1 ? batch.maxTimestamp : r.timestamp;
      out.push({ offset: r.offset, timestamp: Number(timestamp), value: r.value });
    }
  }
  return out;
}
