import { ProducerBatch } from './producer-batch.js';
import { insertInOrder, newPartitionQueue, type PartitionQueue, removeFrom } from './partition-queue.js';

export type { PartitionQueue } from './partition-queue.js';

export interface DrainContext {
  nowMs: number;
  lingerMs: number;
  batchSize: number;
  maxInFlightPerPartition: number;
  flushing: boolean;
  /** The partition's leader, -1 when unknown (then its batches wait and the topic is reported). */
  leaderOf(queue: PartitionQueue): number;
  /** The idempotence gate for a batch about to leave (Java's shouldStopDrainBatchesForPartition, negated). */
  mayDrain(queue: PartitionQueue, first: ProducerBatch): boolean;
}

export interface Drained {
  batches: ProducerBatch[];
  /** Topics with a ready batch but no known leader: their metadata needs a refresh. */
  unknownLeaderTopics: Set<string>;
}

/**
 * Groups records into per-partition batches (RecordAccumulator in Kafka) and
 * hands out those ready to send: full, lingered long enough, behind another
 * batch, flushed, or due for a retry. Only a partition's first waiting batch
 * may leave, a retried one only when it is the oldest unfinished batch of its
 * partition, and a new one only when none is being retried, so a partition's
 * batches reach the broker in order and a retry stays within the broker's
 * deduplication window.
 */
export class Accumulator {
  readonly queues = new Map<string, PartitionQueue>();
  bufferedBytes = 0;

  /** topic -> partition -> queue, so the per-record lookup builds no string key. */
  private readonly byTopic = new Map<string, PartitionQueue[]>();

  queueOf(topic: string, partition: number): PartitionQueue {
    let list = this.byTopic.get(topic);
    if (list === undefined) {
      list = [];
      this.byTopic.set(topic, list);
    }
    let queue = list[partition];
    if (queue === undefined) {
      queue = newPartitionQueue(topic, partition);
      list[partition] = queue;
      this.queues.set(`${topic}\u0000${partition}`, queue);
    }
    return queue;
  }

  /**
   * The batch a record of `sizeBytes` goes into: the open one when it fits
   * (an empty batch takes any record), otherwise a new one. Returns whether a
   * new batch was started.
   */
  batchFor(queue: PartitionQueue, sizeBytes: number, batchSize: number, nowMs: number): [ProducerBatch, boolean] {
    const last = queue.batches[queue.batches.length - 1];
    if (last !== undefined && isOpen(last)) {
      if (last.recordCount === 0 || last.sizeBytes + sizeBytes <= batchSize) return [last, false];
    }
    const batch = new ProducerBatch(queue.topic, queue.partition, nowMs, queue.nextOrder++);
    queue.batches.push(batch);
    return [batch, last !== undefined];
  }

  /** The first waiting batch of each partition that may go now, removed from its queue. */
  drain(ctx: DrainContext): Drained {
    const out: Drained = { batches: [], unknownLeaderTopics: new Set() };
    for (const queue of this.queues.values()) {
      const first = queue.batches[0];
      if (first === undefined || queue.inFlight >= ctx.maxInFlightPerPartition) continue;
      const retry = first.attempts > 0 || first.hasSequence;
      if (retry && (first.retryAtMs > ctx.nowMs || queue.unfinished[0] !== first)) continue;
      const ready =
        retry ||
        ctx.flushing ||
        queue.batches.length > 1 ||
        first.sizeBytes >= ctx.batchSize ||
        ctx.nowMs - first.createdAtMs >= ctx.lingerMs;
      if (!ready) continue;
      // A new batch waits while an older one is retried: the broker dedups a retry only against the
      // last 5 batches it stored, so nothing more may land behind the retried one until it settles.
      if (!retry && queue.unfinished.some((b) => b.inRetry)) continue;
      if (ctx.leaderOf(queue) < 0) {
        out.unknownLeaderTopics.add(queue.topic);
        continue;
      }
      if (!ctx.mayDrain(queue, first)) continue;
      queue.batches.shift();
      out.batches.push(first);
    }
    return out;
  }

  /** Counts a drained batch as unfinished until it settles (a retry already is). */
  track(queue: PartitionQueue, batch: ProducerBatch): void {
    if (!queue.unfinished.includes(batch)) insertInOrder(queue.unfinished, batch);
  }

  /** Puts a failed batch back among the waiting ones, before everything newer. */
  requeue(queue: PartitionQueue, batch: ProducerBatch): void {
    batch.inRetry = true;
    insertInOrder(queue.batches, batch);
  }

  /** Replaces an unfinished batch by its parts (a split), in its place. */
  replace(queue: PartitionQueue, batch: ProducerBatch, parts: readonly ProducerBatch[]): void {
    removeFrom(queue.unfinished, batch);
    removeFrom(queue.batches, batch);
    for (const part of parts) {
      insertInOrder(queue.unfinished, part);
      insertInOrder(queue.batches, part);
    }
  }

  /** A batch is settled (acknowledged, failed or expired): it no longer holds back its partition. */
  finish(queue: PartitionQueue, batch: ProducerBatch): void {
    removeFrom(queue.unfinished, batch);
    removeFrom(queue.batches, batch);
  }

  /** Milliseconds until the earliest first batch lingers out or may be retried (Infinity when none). */
  nextReadyInMs(nowMs: number, lingerMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      const first = queue.batches[0];
      if (first === undefined) continue;
      const at = first.attempts > 0 || first.hasSequence ? first.retryAtMs : first.createdAtMs + lingerMs;
      if (at < earliest) earliest = at;
    }
    return Math.max(0, earliest - nowMs);
  }

  /** Nothing waits to be settled (an expired batch whose request is still out counts as settled). */
  get isEmpty(): boolean {
    for (const queue of this.queues.values()) {
      if (queue.batches.length > 0 || queue.unfinished.some((b) => !b.isDone)) return false;
    }
    return true;
  }
}

function isOpen(batch: ProducerBatch): boolean {
  return batch.encoded === null && batch.attempts === 0 && !batch.hasSequence;
}
