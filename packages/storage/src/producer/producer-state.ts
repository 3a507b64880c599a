import { ErrorCode } from '@fluxo/protocol';
import { inSequence, incrementSequence, NO_PRODUCER_EPOCH, NO_SEQUENCE } from './sequence.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: a client has at most 5 requests in flight per partition. */
export const BATCHES_CACHED_PER_PRODUCER = 5;

/** What the producer checks need from a batch header (never the records). */
export interface ProducerBatch {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly lastOffsetDelta: number;
  /** The batch's maxTimestamp as stored (the append time with LogAppendTime). */
  readonly maxTimestamp: number;
}

/** One appended batch of a producer: enough to answer its retry with the original offsets. */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestamp: number;
}

export interface ProducerStateEntry {
  readonly producerId: bigint;
  producerEpoch: number;
  /** The last batches appended in this epoch, oldest first, at most BATCHES_CACHED_PER_PRODUCER. */
  batches: BatchMetadata[];
  /** maxTimestamp of the last batch: producer.id.expiration.ms counts from here. */
  lastTimestamp: number;
}

export type AppendVerdict =
  | { readonly kind: 'append' }
  | { readonly kind: 'duplicate'; readonly batch: BatchMetadata }
  | { readonly kind: 'rejected'; readonly errorCode: number; readonly errorMessage: string };

const APPEND: AppendVerdict = { kind: 'append' };

export function lastSequenceOf(batch: ProducerBatch): number {
  return incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
}

/** Where a producer stands while one append's batches are checked in order. */
interface Staged {
  epoch: number;
  lastSeq: number;
}

/**
 * One partition's idempotent-producer state (Kafka's ProducerStateManager
 * without transactions): per producer id its epoch, the last five batches'
 * sequence and offset ranges, and its last timestamp. Pure: no I/O, no clock.
 */
export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerStateEntry>();

  constructor(private readonly topicPartition: string) {}

  get size(): number {
    return this.producers.size;
  }

  get(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /**
   * Kafka's checks for a client's append (UnifiedLog.analyzeAndValidateProducerState,
   * ProducerAppendInfo.checkProducerEpoch/checkSequence), batch by batch:
   * a retry of one of the producer's cached batches is a duplicate (the whole
   * append is answered with that batch's offsets and nothing is written); an
   * older epoch is INVALID_PRODUCER_EPOCH; a new epoch must start at sequence 0
   * and a known epoch must continue at last + 1, else OUT_OF_ORDER_SEQUENCE_NUMBER.
   * A producer this partition has no state for (new, expired, or its records
   * deleted) is accepted at any sequence, as Kafka does since 2.5 (KIP-360).
   */
  checkClientAppend(batches: readonly ProducerBatch[]): AppendVerdict {
    let staged: Map<bigint, Staged> | undefined;
    for (const batch of batches) {
      if (batch.producerId < 0n) continue;
      if (batch.baseSequence < 0)
        return rejected(
          ErrorCode.INVALID_RECORD,
          `Invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId}`,
        );
      const committed = this.producers.get(batch.producerId);
      const pending = staged?.get(batch.producerId);
      if (pending === undefined && committed !== undefined) {
        const duplicate = findDuplicate(committed, batch);
        if (duplicate !== undefined) return { kind: 'duplicate', batch: duplicate };
      }
      const current: Staged | undefined =
        pending ??
        (committed === undefined ? undefined : { epoch: committed.producerEpoch, lastSeq: lastSeqOf(committed) });
      const problem = this.sequenceProblem(batch, current, committed !== undefined);
      if (problem !== null) return problem;
      staged ??= new Map();
      staged.set(batch.producerId, { epoch: batch.producerEpoch, lastSeq: lastSequenceOf(batch) });
    }
    return APPEND;
  }

  private sequenceProblem(batch: ProducerBatch, current: Staged | undefined, known: boolean): AppendVerdict | null {
    if (current === undefined) return null;
    const firstSeq = batch.baseSequence;
    if (batch.producerEpoch < current.epoch)
      return rejected(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Epoch of producer ${batch.producerId} in ${this.topicPartition} is ${batch.producerEpoch}, which is smaller than the last seen epoch ${current.epoch}`,
      );
    if (batch.producerEpoch !== current.epoch) {
      if (firstSeq !== 0 && current.epoch !== NO_PRODUCER_EPOCH)
        return rejected(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `Invalid sequence number for new epoch of producer ${batch.producerId} in partition ${this.topicPartition}: ${batch.producerEpoch} (request epoch), ${firstSeq} (seq. number), ${current.epoch} (current producer epoch)`,
        );
      return null;
    }
    if (!known || inSequence(current.lastSeq, firstSeq)) return null;
    return rejected(
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      `Out of order sequence number for producer ${batch.producerId} in partition ${this.topicPartition}: ${firstSeq} (incoming seq. number), ${current.lastSeq} (current end sequence number)`,
    );
  }

  /**
   * Records an appended batch (after checkClientAppend, or unchecked for a
   * replica's append and for replay at start-up). A new epoch forgets the
   * old epoch's batches.
   */
  recordAppend(batch: ProducerBatch, firstOffset: bigint): void {
    if (batch.producerId < 0n) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined) {
      entry = { producerId: batch.producerId, producerEpoch: batch.producerEpoch, batches: [], lastTimestamp: -1 };
      this.producers.set(batch.producerId, entry);
    }
    if (entry.producerEpoch !== batch.producerEpoch) {
      entry.producerEpoch = batch.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset,
      lastOffset: firstOffset + BigInt(batch.lastOffsetDelta),
      timestamp: batch.maxTimestamp,
    });
    if (entry.batches.length > BATCHES_CACHED_PER_PRODUCER) entry.batches.shift();
    entry.lastTimestamp = batch.maxTimestamp;
  }

  /** Forgets producers whose last batch is `expirationMs` or more older than `nowMs` (producer.id.expiration.ms). */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers)
      if (nowMs - entry.lastTimestamp >= expirationMs) {
        this.producers.delete(producerId);
        removed++;
      }
    return removed;
  }

  clear(): void {
    this.producers.clear();
  }

  /** Copies of every entry, for a snapshot. */
  entries(): ProducerStateEntry[] {
    return [...this.producers.values()].map((e) => ({ ...e, batches: [...e.batches] }));
  }

  /** Replaces the state with a snapshot's entries. */
  load(entries: readonly ProducerStateEntry[]): void {
    this.producers.clear();
    for (const e of entries) this.producers.set(e.producerId, { ...e, batches: [...e.batches] });
  }
}

function lastSeqOf(entry: ProducerStateEntry): number {
  return entry.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
}

/** Kafka's ProducerStateEntry.findDuplicateBatch: same epoch and the same first and last sequence. */
function findDuplicate(entry: ProducerStateEntry, batch: ProducerBatch): BatchMetadata | undefined {
  if (entry.producerEpoch !== batch.producerEpoch) return undefined;
  const lastSeq = lastSequenceOf(batch);
  return entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
}

function rejected(errorCode: number, errorMessage: string): AppendVerdict {
  return { kind: 'rejected', errorCode, errorMessage };
}
