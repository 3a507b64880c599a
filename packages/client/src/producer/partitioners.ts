import { murmur2, toPositive } from '@fluxo/protocol';

export interface PartitionContext {
  topic: string;
  /** Serialized key, or null for keyless records. */
  key: Buffer | null;
  numPartitions: number;
  /** Partitions with a known leader (the sticky and round-robin choices prefer them). */
  availablePartitions: readonly number[];
}

/** Picks a partition for a record. `onNewBatch` tells sticky partitioners a batch just filled. */
export interface Partitioner {
  partition(context: PartitionContext): number;
  onNewBatch?(topic: string, previousPartition: number): void;
}

/** Java's keyed choice: toPositive(murmur2(keyBytes)) % numPartitions. */
export function partitionForKeyBytes(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}

function randomOf(partitions: readonly number[], numPartitions: number, random: () => number): number {
  if (partitions.length > 0) return partitions[Math.floor(random() * partitions.length)]!;
  return Math.floor(random() * numPartitions);
}

/**
 * Kafka's default (BuiltInPartitioner): keyed records by murmur2; keyless ones
 * stick to one partition until its batch fills (KIP-480), then move to another.
 */
export class DefaultPartitioner implements Partitioner {
  private readonly sticky = new Map<string, number>();
  constructor(private readonly random: () => number = Math.random) {}

  partition(context: PartitionContext): number {
    if (context.key !== null) return partitionForKeyBytes(context.key, context.numPartitions);
    const current = this.sticky.get(context.topic);
    if (current !== undefined && current < context.numPartitions) return current;
    const chosen = randomOf(context.availablePartitions, context.numPartitions, this.random);
    this.sticky.set(context.topic, chosen);
    return chosen;
  }

  onNewBatch(topic: string, previousPartition: number): void {
    if (this.sticky.get(topic) === previousPartition) this.sticky.delete(topic);
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
