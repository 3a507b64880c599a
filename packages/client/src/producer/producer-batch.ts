import type { RecordInit } from '@fluxo/protocol';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1n when acks=0 (the broker does not answer). */
  offset: bigint;
  /** CreateTime given or stamped by the producer, or the broker's LogAppendTime. */
  timestamp: bigint;
}

interface Waiter {
  resolve(metadata: RecordMetadata): void;
  reject(err: Error): void;
}

/** Per-record overhead estimate beyond key+value+headers (varints, attributes, deltas). */
const RECORD_OVERHEAD_BYTES = 21;
/** v2 batch header. */
export const BATCH_OVERHEAD_BYTES = 61;

export function estimateRecordBytes(record: RecordInit): number {
  let size = RECORD_OVERHEAD_BYTES + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  if (record.headers !== undefined) {
    for (const h of record.headers) size += 2 + Buffer.byteLength(h.key) + (h.value?.length ?? 0);
  }
  return size;
}

/**
 * Records bound for one partition, sent together as one v2 batch. Once drained
 * its sequence number and encoded bytes are fixed, so a retry resends exactly
 * the same batch (what lets the broker deduplicate it).
 */
export class ProducerBatch {
  readonly records: RecordInit[] = [];
  private readonly waiters: Waiter[] = [];
  sizeBytes = BATCH_OVERHEAD_BYTES;
  attempts = 0;
  baseSequence = -1;
  encoded: Buffer | null = null;
  /** When the batch may be retried next (performance.now() ms). */
  retryAtMs = 0;
  lastError: Error | null = null;
  private done = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** performance.now() at creation: linger and delivery timeout count from here. */
    readonly createdAtMs: number,
  ) {}

  get recordCount(): number {
    return this.records.length;
  }

  append(record: RecordInit, sizeBytes: number, waiter: Waiter): void {
    this.records.push(record);
    this.waiters.push(waiter);
    this.sizeBytes += sizeBytes;
  }

  complete(baseOffset: bigint, logAppendTimeMs: bigint): void {
    if (this.done) return;
    this.done = true;
    for (let i = 0; i < this.waiters.length; i++) {
      this.waiters[i]!.resolve({
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: logAppendTimeMs >= 0n ? logAppendTimeMs : (this.records[i]!.timestamp ?? -1n),
      });
    }
  }

  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    for (const waiter of this.waiters) waiter.reject(err);
  }
}
