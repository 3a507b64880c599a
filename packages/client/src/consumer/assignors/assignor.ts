import type { TopicPartition } from '../consumer-record.js';

export interface GroupMember {
  memberId: string;
  /** Static membership id (group.instance.id); Kafka orders static members by it. */
  groupInstanceId?: string | null;
  topics: readonly string[];
  /** Partitions the member owned before this rebalance (subscription v1+); sticky assignors keep them. */
  ownedPartitions?: readonly TopicPartition[];
  /** The generation those were owned in (subscription v2+), -1 when unknown. */
  generationId?: number;
  rackId?: string | null;
}

/** A partition assignor as the group leader runs it: pure, deterministic. */
export interface PartitionAssignor {
  /** Kafka's protocol name ("range", "roundrobin", "sticky", "cooperative-sticky"). */
  readonly name: string;
  /**
   * 'eager': every member gives up all its partitions before rejoining;
   * 'cooperative': only partitions that move are revoked, in a follow-up rebalance (KIP-429).
   */
  readonly rebalanceProtocol: 'eager' | 'cooperative';
  assign(
    members: readonly GroupMember[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Map<string, TopicPartition[]>;
}

/** Kafka sorts members by group.instance.id when set (static members first), then by member id. */
export function sortMembers(members: readonly GroupMember[]): GroupMember[] {
  return [...members].sort((a, b) => {
    const ka = a.groupInstanceId ?? null;
    const kb = b.groupInstanceId ?? null;
    if (ka !== null && kb !== null) return ka < kb ? -1 : ka > kb ? 1 : 0;
    if (ka !== null) return -1;
    if (kb !== null) return 1;
    return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
  });
}
