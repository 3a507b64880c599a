import type { TopicPartition } from '../consumer-record.js';

export interface GroupMember {
  memberId: string;
  /** Static membership id (group.instance.id); Kafka orders static members by it. */
  groupInstanceId?: string | null;
  topics: readonly string[];
}

/** A partition assignor as the group leader runs it: pure, deterministic. */
export interface PartitionAssignor {
  /** Kafka's protocol name ("range", "roundrobin"). */
  readonly name: string;
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
