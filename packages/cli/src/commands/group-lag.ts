// Per partition of a group: committed offset, log end offset and lag (kafka-consumer-groups --describe).
import { type Admin, type GroupDescription, type TopicPartition, throwIfAnyFailed } from '@fluxo/client';
import { splitLive } from './live-partitions.js';

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export interface PartitionLag {
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  /** Null when the topic (or partition) no longer exists: its offsets outlived it. */
  logEndOffset: bigint | null;
  lag: bigint | null;
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

/**
 * The union of partitions with a committed offset and partitions assigned to members.
 * Partitions of deleted topics keep their committed offset and get no end offset or lag.
 */
export async function lagOf(admin: Admin, group: GroupDescription): Promise<PartitionLag[]> {
  const committed = throwIfAnyFailed(await admin.listConsumerGroupOffsets(group.groupId));
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of group.members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m);
  const partitions = new Map<string, TopicPartition>();
  for (const c of committed) partitions.set(tpKey(c.topic, c.partition), { topic: c.topic, partition: c.partition });
  for (const m of group.members) for (const tp of m.assignment) partitions.set(tpKey(tp.topic, tp.partition), tp);
  const tps = [...partitions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const { live } = await splitLive(admin, tps);
  const ends = live.length === 0 ? [] : await admin.listOffsets(live.map((tp) => ({ ...tp, spec: 'latest' as const })));
  return tps.map((tp) => {
    const current = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? null;
    const currentOffset = current !== null && current >= 0n ? current : null;
    const end = ends.find((e) => e.topic === tp.topic && e.partition === tp.partition)?.offset ?? null;
    const logEndOffset = end !== null && end >= 0n ? end : null;
    const member = owner.get(tpKey(tp.topic, tp.partition));
    return {
      ...tp,
      currentOffset,
      logEndOffset,
      lag: currentOffset !== null && logEndOffset !== null ? logEndOffset - currentOffset : null,
      memberId: member?.memberId ?? null,
      clientId: member?.clientId ?? null,
      host: member?.clientHost ?? null,
    };
  });
}
