// Which of some topics still exist, and their partitions. A group's committed offsets can
// outlive their topic; asking the client for such a topic's offsets would wait for metadata
// that never comes, so commands look here first: all topic names, then the present ones described.
import type { Admin, TopicPartition } from '@fluxo/client';

/** Partition numbers of each named topic the cluster has; absent topics are not in the map. */
export async function livePartitions(admin: Admin, topics: Iterable<string>): Promise<Map<string, Set<number>>> {
  const wanted = new Set(topics);
  if (wanted.size === 0) return new Map();
  const existing = new Set(await admin.listTopics({ includeInternal: true }));
  const present = [...wanted].filter((t) => existing.has(t));
  if (present.length === 0) return new Map();
  const described = await admin.describeTopics(present);
  return new Map(described.map((d) => [d.name, new Set(d.partitions.map((p) => p.partition))]));
}

/** Splits partitions into those the cluster has and those of deleted topics (or beyond a topic's count). */
export async function splitLive<T extends TopicPartition>(
  admin: Admin,
  partitions: readonly T[],
): Promise<{ live: T[]; gone: T[] }> {
  const live = await livePartitions(
    admin,
    partitions.map((p) => p.topic),
  );
  const isLive = (p: T) => live.get(p.topic)?.has(p.partition) === true;
  return { live: partitions.filter(isLive), gone: partitions.filter((p) => !isLive(p)) };
}
