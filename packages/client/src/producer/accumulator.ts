import { ProducerBatch } from './producer-batch.js';

/** The batches of one partition, oldest first; the last one may still be open for appends. */
export interface PartitionQueue {
  topic: string;
  partition: number;
  batches: ProducerBatch[];
  /** Batches of this partition sent and not yet answered. */
  inFlight: number;
  /** Next sequence number (idempotence), per partition, wrapping at int32 like Kafka. */
  nextSequence: number;
  /** True while a failed batch waits to be resent: later batches hold back to keep order. */
  retrying: boolean;
}

export interface DrainLimits {
  nowMs: number;
  lingerMs: number;
  batchSize: number;
  maxInFlightPerPartition: number;
  flushing: boolean;
}

/**
 * Groups records into per-partition batches (RecordAccumulator in Kafka) and
 * hands out those ready to send: full, lingered long enough, behind another
 * batch, or flushed. One partition's batches leave strictly in order.
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
      queue = { topic, partition, batches: [], inFlight: 0, nextSequence: 0, retrying: false };
      list[partition] = queue;
      this.queues.set(`${topic}\u0000${partition}`, queue);
    }
    return queue;
  }

  /**
   * The batch a record of `sizeBytes` goes into: the open one when it fits
   * (an empty batch takes any record), otherwise a new one. Returns whether a
   * new batch was started (sticky partitioners move on then).
   */
  batchFor(queue: PartitionQueue, sizeBytes: number, batchSize: number, nowMs: number): [ProducerBatch, boolean] {
    const last = queue.batches[queue.batches.length - 1];
    if (last !== undefined && last.encoded === null && last.attempts === 0) {
      if (last.recordCount === 0 || last.sizeBytes + sizeBytes <= batchSize) return [last, false];
    }
    const batch = new ProducerBatch(queue.topic, queue.partition, nowMs);
    queue.batches.push(batch);
    return [batch, last !== undefined];
  }

  /** The first batch of each partition that may go now, removed from its queue. */
  drain(limits: DrainLimits): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const queue of this.queues.values()) {
      const first = queue.batches[0];
      if (first === undefined || queue.inFlight >= limits.maxInFlightPerPartition) continue;
      if (queue.retrying && (queue.inFlight > 0 || first.retryAtMs > limits.nowMs)) continue;
      const ready =
        first.attempts > 0 ||
        limits.flushing ||
        queue.batches.length > 1 ||
        first.sizeBytes >= limits.batchSize ||
        limits.nowMs - first.createdAtMs >= limits.lingerMs;
      if (!ready) continue;
      queue.batches.shift();
      queue.retrying = false;
      out.push(first);
    }
    return out;
  }

  /** Puts a failed batch back at the head of its partition, to be resent before anything newer. */
  requeue(queue: PartitionQueue, batch: ProducerBatch): void {
    queue.batches.unshift(batch);
    queue.retrying = true;
  }

  /** Milliseconds until the earliest open batch lingers out (Infinity when none). */
  nextLingerDeadlineMs(nowMs: number, lingerMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      const first = queue.batches[0];
      if (first === undefined) continue;
      const at = first.attempts > 0 ? first.retryAtMs : first.createdAtMs + lingerMs;
      if (at < earliest) earliest = at;
    }
    return Math.max(0, earliest - nowMs);
  }

  get isEmpty(): boolean {
    for (const queue of this.queues.values()) if (queue.batches.length > 0 || queue.inFlight > 0) return false;
    return true;
  }
}
