// Which of an admin call's partitions exist, from one fresh Metadata answer.
// The producer's and consumer's metadata lookups wait for an unknown topic
// (it may be auto-created or be on its way); an admin call about records or
// offsets of a topic that is not there fails that partition at once with
// UNKNOWN_TOPIC_OR_PARTITION, as does a partition index beyond the topic's
// count. Only a partition without a leader yet (LEADER_NOT_AVAILABLE, a topic
// being created) is asked again, until the call's timeout.
import { ErrorCode, errorCodeInfo, MetadataRequest, ZERO_UUID } from '@fluxo/protocol';
import { backoffMs, sleep } from '../cluster/backoff.js';
import type { Cluster } from '../cluster/cluster.js';
import { Apis } from '../connection/apis.js';
import { type KafkaClientError, kafkaError } from '../errors.js';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export function partitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/**
 * Resolves the partitions' leaders into the cluster's metadata cache and
 * returns the partitions that cannot be served, by partitionKey, with their
 * error. Every partition not in the map has a leader in the cache.
 */
export async function unservablePartitions(
  cluster: Cluster,
  partitions: readonly TopicPartitionRef[],
  timeoutMs: number,
): Promise<Map<string, KafkaClientError>> {
  const deadline = performance.now() + timeoutMs;
  const failed = new Map<string, KafkaClientError>();
  let pending = [...new Set(partitions.map((p) => p.topic))];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const errors = await topicErrors(cluster, pending);
    const retry: string[] = [];
    for (const topic of pending) {
      const code = errors.get(topic) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      const mine = partitions.filter((p) => p.topic === topic);
      if (code !== 0 && isFinal(code)) {
        for (const p of mine) failed.set(partitionKey(topic, p.partition), errorOf(code, p));
        continue;
      }
      const info = cluster.metadata.topics.get(topic);
      let waiting = code !== 0;
      for (const p of mine) {
        const known = info?.partitions.find((x) => x.partition === p.partition);
        if (info !== undefined && code === 0 && known === undefined) {
          failed.set(partitionKey(topic, p.partition), errorOf(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, p));
        } else if (known === undefined || known.leaderId < 0) {
          waiting = true;
        }
      }
      if (waiting) retry.push(topic);
    }
    if (retry.length > 0 && performance.now() >= deadline) {
      for (const p of partitions) {
        const key = partitionKey(p.topic, p.partition);
        if (retry.includes(p.topic) && !failed.has(key)) failed.set(key, errorOf(ErrorCode.LEADER_NOT_AVAILABLE, p));
      }
      break;
    }
    pending = retry;
    if (pending.length > 0) await sleep(backoffMs(attempt, cluster.config.retryBackoffMs, 1000));
  }
  return failed;
}

/** One Metadata request for these topics (never auto-creating); each topic's error code, the cache updated. */
async function topicErrors(cluster: Cluster, topics: readonly string[]): Promise<Map<string, number>> {
  const conn = await cluster.anyConnection();
  const response = await conn.request(
    Apis.metadata,
    MetadataRequest.create({
      topics: topics.map((name) => ({ topicId: ZERO_UUID, name })),
      allowAutoTopicCreation: false,
    }),
  );
  cluster.metadata.update(response, performance.now());
  const out = new Map<string, number>();
  for (const t of response.topics) if (t.name !== null) out.set(t.name, t.errorCode);
  return out;
}

/** Unknown topic, bad name, no authorization: asking again will not help. */
function isFinal(code: number): boolean {
  return code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || !(errorCodeInfo(code)?.retriable ?? false);
}

function errorOf(code: number, p: TopicPartitionRef): KafkaClientError {
  return kafkaError(code, `${p.topic}-${p.partition}`);
}
