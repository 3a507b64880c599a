import type { TopicPartition } from '../consumer-record.js';
import { type PartitionAssignor, sortMembers } from './assignor.js';

/**
 * Kafka's RoundRobinAssignor: all partitions (topics sorted, partitions
 * ascending) dealt in turn to the sorted members, skipping a member not
 * subscribed to the partition's topic.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'roundrobin',
  rebalanceProtocol: 'eager',
  assign(members, partitionsPerTopic) {
    const out = new Map<string, TopicPartition[]>(members.map((m) => [m.memberId, []]));
    const sorted = sortMembers(members);
    if (sorted.length === 0) return out;
    const topics = [...new Set(members.flatMap((m) => m.topics))].filter((t) => partitionsPerTopic.has(t)).sort();
    let next = 0;
    for (const topic of topics) {
      for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
        // Advance the circular iterator to the next member subscribed to this topic (one exists: topics come from members).
        while (!sorted[next % sorted.length]!.topics.includes(topic)) next++;
        out.get(sorted[next % sorted.length]!.memberId)!.push({ topic, partition });
        next++;
      }
    }
    return out;
  },
};
