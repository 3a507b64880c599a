import { murmur2, toPositive } from '@fluxo/protocol';

export interface PartitionContext {
  topic: string;
  /** Serialized key, or null for keyless records. */
  key: Buffer | null;
  numPartitions: number;
  /** Partitions with a known leader (the sticky and round-robin choices prefer them). */
  availablePartitions: readonly number[];
  /** Batches waiting in the producer for a partition (KIP-794's queue sizes); absent in older callers. */
  queuedBatches?: (partition: number) => number;
}

/**
 * Picks a partition for a record. `onNewBatch` tells sticky partitioners a
 * batch was started on a partition (KIP-480's hook); `onAppend` tells them how
 * many bytes a record they placed took and whether that partition's batch is
 * now full (KIP-794's).
 */
export interface Partitioner {
  partition(context: PartitionContext): number;
  onNewBatch?(topic: string, previousPartition: number): void;
  onAppend?(topic: string, partition: number, appendedBytes: number, batchFull: boolean): void;
}

/** Java's keyed choice: toPositive(murmur2(keyBytes)) % numPartitions. */
export function partitionForKeyBytes(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

export interface DefaultPartitionerOptions {
  /** batch.size: how many bytes go to one sticky partition before the next is chosen (default 16384). */
  batchSize?: number;
  /** partitioner.ignore.keys: place keyed records like keyless ones (default false). */
  ignoreKeys?: boolean;
  /** partitioner.adaptive.partitioning.enable: prefer partitions with shorter queues (default true). */
  adaptive?: boolean;
  random?: () => number;
}

interface Sticky {
  partition: number;
  producedBytes: number;
}

/**
 * Kafka's built-in partitioner (BuiltInPartitioner, KIP-794): keyed records by
 * murmur2; keyless ones stick to one partition until batch.size bytes went
 * there and its batch is full (or twice that regardless), then move to another
 * one chosen at random among those with a leader — weighted towards shorter
 * queues when adaptive partitioning is on, so slower brokers get less.
 */
export class DefaultPartitioner implements Partitioner {
  private readonly sticky = new Map<string, Sticky>();
  private readonly batchSize: number;
  private readonly ignoreKeys: boolean;
  private readonly adaptive: boolean;
  private readonly random: () => number;

  constructor(options: DefaultPartitionerOptions = {}) {
    this.batchSize = Math.max(1, options.batchSize ?? 16_384);
    this.ignoreKeys = options.ignoreKeys ?? false;
    this.adaptive = options.adaptive ?? true;
    this.random = options.random ?? Math.random;
  }

  partition(context: PartitionContext): number {
    if (context.key !== null && !this.ignoreKeys) return partitionForKeyBytes(context.key, context.numPartitions);
    const current = this.sticky.get(context.topic);
    if (current !== undefined && current.partition < context.numPartitions) return current.partition;
    const chosen = this.next(context);
    this.sticky.set(context.topic, { partition: chosen, producedBytes: 0 });
    return chosen;
  }

  onAppend(topic: string, partition: number, appendedBytes: number, batchFull: boolean): void {
    const current = this.sticky.get(topic);
    if (current === undefined || current.partition !== partition) return;
    current.producedBytes += appendedBytes;
    // Switching only once the batch is full avoids leaving a fraction of a batch behind (Java's updatePartitionInfo).
    if ((current.producedBytes >= this.batchSize && batchFull) || current.producedBytes >= this.batchSize * 2) {
      this.sticky.delete(topic);
    }
  }

  private next(context: PartitionContext): number {
    const candidates = context.availablePartitions;
    if (candidates.length === 0) return Math.floor(this.random() * context.numPartitions);
    if (candidates.length === 1) return candidates[0]!;
    const sizes = this.adaptive && context.queuedBatches !== undefined ? candidates.map(context.queuedBatches) : null;
    if (sizes === null || sizes.every((s) => s === sizes[0])) {
      return candidates[Math.floor(this.random() * candidates.length)]!;
    }
    // Weight max + 1 - size: a partition with the longest queue still gets a chance (Java's cumulative frequency table).
    const maxPlusOne = Math.max(...sizes) + 1;
    let total = 0;
    const cumulative = sizes.map((s) => (total += maxPlusOne - s));
    const pick = Math.floor(this.random() * total);
    return candidates[cumulative.findIndex((c) => pick < c)]!;
  }
}

/** Kafka's RoundRobinPartitioner: every record to the next partition, keys ignored. */
export class RoundRobinPartitioner implements Partitioner {
  private readonly counters = new Map<string, number>();

  partition(context: PartitionContext): number {
    const n = this.counters.get(context.topic) ?? 0;
    this.counters.set(context.topic, (n + 1) | 0);
    const available = context.availablePartitions;
    if (available.length > 0) return available[toPositive(n) % available.length]!;
    return toPositive(n) % context.numPartitions;
  }
}
