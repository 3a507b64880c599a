import type { TopicPartition } from './consumer-record.js';

/**
 * Kafka's ConsumerRebalanceListener. Callbacks run inside poll() (and close()),
 * awaited in order: revoked before the group rejoins (commit there to avoid
 * duplicates), assigned after SyncGroup, lost when the membership was lost
 * (partitions may already belong to someone else: do not commit).
 */
export interface RebalanceListener {
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

/** An offset to commit, or one committed (OffsetCommit / OffsetFetch). */
export interface OffsetAndMetadata {
  topic: string;
  partition: number;
  /** The next offset to read (last processed + 1), as in Kafka. */
  offset: bigint;
  /** Leader epoch of the last consumed record, -1 when unknown. */
  leaderEpoch?: number;
  metadata?: string | null;
}

/** Kafka's ConsumerGroupMetadata: what a transactional producer sends with TxnOffsetCommit. */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** The assignor names Kafka clients agree on (Java, librdkafka, kafkajs). */
export type AssignorName = 'range' | 'roundrobin' | 'sticky' | 'cooperative-sticky';
