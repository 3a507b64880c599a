import type { RecordInit } from '@fluxo/protocol';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1n when acks=0 (the broker does not answer) or when the broker only knew the batch as a duplicate. */
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
 * Records bound for one partition, sent together as one v2 batch. Its
 * producer id, epoch and base sequence are given the first time it is drained
 * and kept across retries (what lets the broker deduplicate a retry); only an
 * epoch bump for its partition re-sequences it, and then its header is
 * rewritten before the next send.
 */
export class ProducerBatch {
  readonly records: RecordInit[] = [];
  private readonly waiters: Waiter[] = [];
  sizeBytes = BATCH_OVERHEAD_BYTES;
  /** Times sent. */
  attempts = 0;
  /** Producer state for the header; -1 until sequenced (and always without idempotence). */
  producerId = -1n;
  producerEpoch = -1;
  baseSequence = -1;
  /** Re-sequenced by an epoch bump (Java's ProducerBatch.sequenceHasBeenReset). */
  sequenceReset = false;
  /** The encoded batch (compressed once); its header may lag the fields above until the next send. */
  encoded: Buffer | null = null;
  /** A request carrying it is outstanding. */
  inFlight = false;
  /** An attempt ended without an answer (connection lost, request timed out): the broker may hold it. */
  fateUnknown = false;
  /** Put back for a retry at least once (Java's inRetry): until it settles, newer batches of its partition wait. */
  inRetry = false;
  /** When the batch may be retried next (performance.now() ms). */
  retryAtMs = 0;
  lastError: Error | null = null;
  /** Its buffer memory was given back. */
  released = false;
  private done = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** performance.now() at creation: linger and delivery timeout count from here. */
    readonly createdAtMs: number,
    /**
     * Position among its partition's batches: creation order, so sorting by it
     * is sorting by sequence. A split batch's parts share their parent's slot
     * [order, order + orderSpan), which no other batch uses.
     */
    readonly order: number,
    readonly orderSpan = 1,
  ) {}

  get recordCount(): number {
    return this.records.length;
  }

  get hasSequence(): boolean {
    return this.baseSequence >= 0;
  }

  get isDone(): boolean {
    return this.done;
  }

  append(record: RecordInit, sizeBytes: number, waiter: Waiter): void {
    this.records.push(record);
    this.waiters.push(waiter);
    this.sizeBytes += sizeBytes;
  }

  /** Splits the records into `parts` batches in order, each with its share of the waiters and of the slot. */
  split(parts: number, sizeOf: (record: RecordInit) => number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    const per = Math.ceil(this.records.length / parts);
    const span = this.orderSpan / Math.ceil(this.records.length / per);
    for (let from = 0, i = 0; from < this.records.length; from += per, i++) {
      const part = new ProducerBatch(this.topic, this.partition, this.createdAtMs, this.order + i * span, span);
      for (let r = from; r < Math.min(this.records.length, from + per); r++) {
        part.append(this.records[r]!, sizeOf(this.records[r]!), this.waiters[r]!);
      }
      part.attempts = this.attempts;
      part.inRetry = true;
      part.fateUnknown = this.fateUnknown;
      part.lastError = this.lastError;
      out.push(part);
    }
    this.done = true;
    return out;
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
