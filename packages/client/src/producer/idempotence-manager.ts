import { ErrorCode } from '@fluxo/protocol';
import type { ProducerIdentity } from './idempotence.js';
import type { PartitionQueue } from './partition-queue.js';
import type { ProducerBatch } from './producer-batch.js';

const SEQUENCE_MAX = 0x7fffffff;
/** Short.MAX_VALUE: past it the producer needs a new id (InitProducerId). */
export const EPOCH_MAX = 0x7fff;

/** `sequence + increment`, wrapping past Int32 max to 0 as Kafka's producers do. */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > SEQUENCE_MAX - increment) return increment - (SEQUENCE_MAX - sequence) - 1;
  return sequence + increment;
}

export function lastSequenceOf(batch: ProducerBatch): number {
  return incrementSequence(batch.baseSequence, batch.recordCount - 1);
}

/**
 * The idempotent (non-transactional) producer's sequence and epoch rules, as
 * the Java client's TransactionManager applies them since KIP-360. Pure: the
 * sender calls it while draining and when answers come back.
 *
 * - A batch gets its partition's next sequence when first drained and keeps
 *   it across retries; a retry goes only when it is the partition's oldest
 *   unfinished batch (the accumulator's gate), so retries reach the broker in
 *   sequence order.
 * - A batch that fails for good on a broker answer left a gap: its partition
 *   asks for an epoch bump. The bump is local (epoch + 1, no broker round
 *   trip; a new producer id after Short.MAX), and the unfinished batches of
 *   the partitions that asked are re-sequenced from 0 in the new epoch. Other
 *   partitions keep their old epoch until nothing of theirs is unfinished,
 *   then start again at sequence 0.
 * - A batch whose fate is unknown (expired, or out of retries, after a lost
 *   answer) marks its partition unresolved: no new batch is sequenced there
 *   until the unfinished ones settle; if the broker then acknowledged up to
 *   the last sequence given, the lost batch had landed, else the epoch is bumped.
 */
export class IdempotenceManager {
  /** null while a producer id is being fetched (at start, or after the epoch ran out). */
  identity: ProducerIdentity | null = null;
  private epochBumpRequired = false;
  /** Partitions whose unfinished batches get new sequences at the next bump. */
  private readonly toRewrite = new Set<PartitionQueue>();
  /** Partitions with a batch of unknown fate: the sequence that follows it, and its order. */
  private readonly unresolved = new Map<PartitionQueue, { nextSequence: number; order: number }>();

  get bumpRequested(): boolean {
    return this.epochBumpRequired;
  }

  /** A new producer id from InitProducerId: the partitions waiting for a rewrite start from 0 in it. */
  setIdentity(identity: ProducerIdentity): void {
    this.identity = identity;
    this.epochBumpRequired = false;
    for (const queue of this.toRewrite) this.startSequencesAtBeginning(queue);
    this.toRewrite.clear();
  }

  /** Applies a requested bump (Java's bumpIdempotentProducerEpoch); leaves identity null when a new id is needed. */
  bumpEpochIfRequested(): void {
    if (!this.epochBumpRequired || this.identity === null) return;
    this.epochBumpRequired = false;
    if (this.identity.producerEpoch >= EPOCH_MAX) {
      this.identity = null; // the rewrite waits for the new producer id
      return;
    }
    this.identity = { producerId: this.identity.producerId, producerEpoch: this.identity.producerEpoch + 1 };
    for (const queue of this.toRewrite) this.startSequencesAtBeginning(queue);
    this.toRewrite.clear();
  }

  /** Settles unresolved partitions that have nothing unfinished left (Java's maybeResolveSequences). */
  resolveSequences(): void {
    for (const [queue] of this.unresolved) {
      if (queue.unfinished.length > 0) continue;
      if (!this.isNextSequence(queue, queue.sequences.nextSequence)) this.requestEpochBump(queue);
      this.unresolved.delete(queue);
    }
  }

  /** May `first` (the partition's first waiting batch) be drained now? The order of retries is checked by the accumulator. */
  mayDrain(queue: PartitionQueue, first: ProducerBatch): boolean {
    if (this.identity === null) return false;
    if (first.hasSequence) return true;
    // A new batch in a new epoch starts at 0: not while older-epoch batches may still land before it.
    if (queue.unfinished.length > 0 && this.isStale(queue)) return false;
    return !this.unresolved.has(queue);
  }

  /** Gives a drained batch without a sequence the partition's next one. */
  assignSequence(queue: PartitionQueue, batch: ProducerBatch): void {
    const identity = this.identity;
    if (identity === null || batch.hasSequence) return;
    if (this.isStale(queue) && queue.unfinished.length === 0) this.startSequencesAtBeginning(queue);
    const seq = queue.sequences;
    batch.producerId = identity.producerId;
    batch.producerEpoch = identity.producerEpoch;
    batch.baseSequence = seq.nextSequence;
    seq.nextSequence = incrementSequence(seq.nextSequence, batch.recordCount);
  }

  /** The broker acknowledged the batch (or knew it as a duplicate). */
  completed(queue: PartitionQueue, batch: ProducerBatch, baseOffset: bigint): void {
    if (!batch.hasSequence) return;
    const seq = queue.sequences;
    if (batch.order > seq.lastAckedOrder) {
      seq.lastAckedOrder = batch.order;
      seq.lastAckedSequence = lastSequenceOf(batch);
    }
    if (baseOffset >= 0n) {
      const lastOffset = baseOffset + BigInt(batch.recordCount - 1);
      if (lastOffset > seq.lastAckedOffset) seq.lastAckedOffset = lastOffset;
    }
  }

  /**
   * Java's TransactionManager.canRetry for the idempotent producer: sequence
   * errors it retries (maybe asking for a bump), or undefined when the error
   * is not about sequences (then its retriable flag decides).
   */
  canRetry(
    queue: PartitionQueue,
    batch: ProducerBatch,
    errorCode: number,
    logStartOffset: bigint,
  ): boolean | undefined {
    if (errorCode === ErrorCode.UNKNOWN_PRODUCER_ID) {
      // The broker lost our state (retention, or records deleted). Without a log start offset, just retry.
      if (logStartOffset < 0n || batch.sequenceReset) return true;
      this.requestEpochBump(queue);
      return true;
    }
    if (errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      const unresolved = this.unresolved.get(queue);
      // Not the next batch the broker expects: an earlier one is being retried; resend after it.
      if (unresolved === undefined && (batch.sequenceReset || !this.isNextSequence(queue, batch.baseSequence))) {
        return true;
      }
      // The next one, yet out of order: a real gap in the log. Bump, then retry at sequence 0.
      if (unresolved === undefined || unresolved.nextSequence === batch.baseSequence) this.requestEpochBump(queue);
      return true;
    }
    return undefined;
  }

  /**
   * The batch failed for good. `definitive`: the broker answered with an error
   * on every attempt, so it is not in the log and its sequences left a gap.
   */
  failed(queue: PartitionQueue, batch: ProducerBatch, definitive: boolean): void {
    if (!batch.hasSequence) return;
    if (definitive) this.requestEpochBump(queue);
    else this.markUnresolved(queue, batch);
  }

  private markUnresolved(queue: PartitionQueue, batch: ProducerBatch): void {
    const known = this.unresolved.get(queue);
    if (known !== undefined && known.order > batch.order) return;
    this.unresolved.set(queue, { nextSequence: incrementSequence(lastSequenceOf(batch), 1), order: batch.order });
  }

  private requestEpochBump(queue: PartitionQueue): void {
    this.epochBumpRequired = true;
    this.toRewrite.add(queue);
  }

  private isStale(queue: PartitionQueue): boolean {
    const mine = queue.sequences.identity;
    return (
      this.identity === null ||
      mine.producerId !== this.identity.producerId ||
      mine.producerEpoch !== this.identity.producerEpoch
    );
  }

  private isNextSequence(queue: PartitionQueue, sequence: number): boolean {
    return incrementSequence(queue.sequences.lastAckedSequence, 1) === sequence;
  }

  /** Java's startSequencesAtBeginning: the partition's unfinished batches get sequences 0, 1, … in the current epoch. */
  private startSequencesAtBeginning(queue: PartitionQueue): void {
    const identity = this.identity!;
    let next = 0;
    for (const batch of queue.unfinished) {
      if (batch.isDone) continue; // expired while in flight: never sent again
      batch.producerId = identity.producerId;
      batch.producerEpoch = identity.producerEpoch;
      batch.baseSequence = next;
      batch.sequenceReset = true;
      next = incrementSequence(next, batch.recordCount);
    }
    const seq = queue.sequences;
    seq.identity = identity;
    seq.nextSequence = next;
    seq.lastAckedSequence = -1;
    seq.lastAckedOrder = Number.NEGATIVE_INFINITY;
    this.unresolved.delete(queue);
  }
}
