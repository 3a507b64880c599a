import kafkajs from 'kafkajs';

/**
 * Kafka's RangeAssignor as a kafkajs assigner named "range", so a kafkajs
 * member and a librdkafka member (whose built-in "range" follows Kafka) agree
 * on a protocol and can share one group. kafkajs's own assigner is called
 * "RoundRobinAssigner", a name no other client proposes, so without this the
 * coordinator would reject the second client with INCONSISTENT_GROUP_PROTOCOL.
 *
 * Kafka's algorithm, per topic: the subscribed members sorted by member id;
 * with P partitions and C members each gets floor(P / C) consecutive
 * partitions and the first P % C members one more.
 */
const { AssignerProtocol } = kafkajs;

export function rangeAssignment(partitions: number, memberIds: readonly string[]): Map<string, number[]> {
  const sorted = [...memberIds].sort();
  const base = Math.floor(partitions / sorted.length);
  const extra = partitions % sorted.length;
  const out = new Map<string, number[]>();
  sorted.forEach((memberId, i) => {
    const start = base * i + Math.min(i, extra);
    const length = base + (i < extra ? 1 : 0);
    out.set(
      memberId,
      Array.from({ length }, (_, k) => start + k),
    );
  });
  return out;
}

export const KafkaRangeAssigner: kafkajs.PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  async assign({ members, topics }) {
    const assignment = new Map<string, Record<string, number[]>>(members.map((m) => [m.memberId, {}]));
    for (const topic of topics) {
      const subscribers = members
        .filter((m) => AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.topics.includes(topic))
        .map((m) => m.memberId);
      if (subscribers.length === 0) continue;
      const partitionCount = cluster.findTopicPartitionMetadata(topic).length;
      for (const [memberId, partitions] of rangeAssignment(partitionCount, subscribers)) {
        if (partitions.length > 0) assignment.get(memberId)![topic] = partitions;
      }
    }
    return [...assignment].map(([memberId, topicPartitions]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: topicPartitions,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'range',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
