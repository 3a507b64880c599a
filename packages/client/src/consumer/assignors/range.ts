import type { TopicPartition } from '../consumer-record.js';
import { type GroupMember, type PartitionAssignor, sortMembers } from './assignor.js';

/**
 * Kafka's RangeAssignor: per topic, the sorted subscribers get consecutive
 * ranges; the first (partitions % subscribers) of them get one extra.
 */
export const rangeAssignor: PartitionAssignor = {
  name: 'range',
  rebalanceProtocol: 'eager',
  assign(members, partitionsPerTopic) {
    const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    for (const topic of topics) {
      const count = partitionsPerTopic.get(topic);
      if (count === undefined) continue;
      const subscribers: GroupMember[] = sortMembers(members.filter((m) => m.topics.includes(topic)));
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      subscribers.forEach((member, i) => {
        const start = per * i + Math.min(i, extra);
        const length = per + (i < extra ? 1 : 0);
        for (let p = start; p < start + length; p++) out.get(member.memberId)!.push({ topic, partition: p });
      });
    }
    return out;
  },
};
