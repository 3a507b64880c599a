import { ListOffsetsRequest } from '@fluxo/protocol';
import { Apis } from '../connection/apis.js';
import { kafkaError } from '../errors.js';
import type { Cluster } from './cluster.js';

/** Kafka's special ListOffsets timestamps. */
export const OffsetSpec = { latest: -1n, earliest: -2n, maxTimestamp: -3n } as const;

export interface OffsetQuery {
  topic: string;
  partition: number;
  /** A timestamp in ms, or OffsetSpec.latest / earliest / maxTimestamp. */
  timestamp: bigint;
}

export interface OffsetAnswer {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  leaderEpoch: number;
}

/** ListOffsets to each partition's leader, one request per leader. Throws the first partition error. */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  isolationLevel: 0 | 1,
  timeoutMs: number,
): Promise<OffsetAnswer[]> {
  for (const topic of new Set(queries.map((q) => q.topic))) await cluster.topic(topic, timeoutMs);
  const byLeader = new Map<number, OffsetQuery[]>();
  for (const q of queries) {
    const leader = cluster.metadata.leaderOf(q.topic, q.partition);
    const list = byLeader.get(leader) ?? [];
    list.push(q);
    byLeader.set(leader, list);
  }
  const answers = await Promise.all(
    [...byLeader].map(async ([leader, list]) => {
      const conn =
        leader >= 0
          ? await cluster.connectionTo(leader)
          : await cluster.leaderConnection(list[0]!.topic, list[0]!.partition, timeoutMs);
      const topics = new Map<string, OffsetQuery[]>();
      for (const q of list) topics.set(q.topic, [...(topics.get(q.topic) ?? []), q]);
      const response = await conn.request(
        Apis.listOffsets,
        ListOffsetsRequest.create({
          replicaId: -1,
          isolationLevel,
          timeoutMs,
          topics: [...topics].map(([name, qs]) => ({
            name,
            partitions: qs.map((q) => ({
              partitionIndex: q.partition,
              currentLeaderEpoch: -1,
              timestamp: q.timestamp,
              maxNumOffsets: 1,
            })),
          })),
        }),
      );
      const out: OffsetAnswer[] = [];
      for (const topic of response.topics) {
        for (const p of topic.partitions) {
          if (p.errorCode !== 0) throw kafkaError(p.errorCode, `ListOffsets ${topic.name}-${p.partitionIndex}`);
          out.push({
            topic: topic.name,
            partition: p.partitionIndex,
            offset: p.offset,
            timestamp: p.timestamp,
            leaderEpoch: p.leaderEpoch,
          });
        }
      }
      return out;
    }),
  );
  return answers.flat();
}
