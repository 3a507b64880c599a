import type { ProducerBatch } from './producer-batch.js';
import { NO_PRODUCER, type ProducerIdentity } from './idempotence.js';

/**
 * One partition's sequence bookkeeping for the idempotent producer (Java's
 * TxnPartitionEntry): the producer id and epoch its sequences belong to, the
 * next sequence to give, and what the broker last acknowledged.
 */
export interface PartitionSequences {
  identity: ProducerIdentity;
  nextSequence: number;
  /** Last sequence of the newest acknowledged batch; -1 for none in this epoch. */
  lastAckedSequence: number;
  /** `order` of that batch, so a late answer for an older batch does not move it back. */
  lastAckedOrder: number;
  /** Offset of the last acknowledged record (tells retention from lost state on UNKNOWN_PRODUCER_ID). */
  lastAckedOffset: bigint;
}

/** The batches of one partition (a deque of Java's RecordAccumulator plus its in-flight bookkeeping). */
export interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  /** Waiting to be sent, in `order`: retries ahead of new batches; the last one may still be open. */
  readonly batches: ProducerBatch[];
  /**
   * Drained at least once and not finished, in `order` (Java's
   * inflightBatchesBySequence): in flight, or back in `batches` for a retry.
   */
  readonly unfinished: ProducerBatch[];
  /** Requests outstanding that carry a batch of this partition. */
  inFlight: number;
  readonly sequences: PartitionSequences;
  /** `order` of the next new batch. */
  nextOrder: number;
}

export function newPartitionQueue(topic: string, partition: number): PartitionQueue {
  return {
    topic,
    partition,
    batches: [],
    unfinished: [],
    inFlight: 0,
    sequences: {
      identity: NO_PRODUCER,
      nextSequence: 0,
      lastAckedSequence: -1,
      lastAckedOrder: Number.NEGATIVE_INFINITY,
      lastAckedOffset: -1n,
    },
    nextOrder: 0,
  };
}

/** Inserts by `order` (Java's insertInSequenceOrder): a retried batch goes back before everything newer. */
export function insertInOrder(list: ProducerBatch[], batch: ProducerBatch): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.order > batch.order) i--;
  list.splice(i, 0, batch);
}

export function removeFrom(list: ProducerBatch[], batch: ProducerBatch): boolean {
  const i = list.indexOf(batch);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}
