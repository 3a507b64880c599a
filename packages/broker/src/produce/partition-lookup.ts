import { type PartitionLog, resolveLogConfig } from '@fluxo/storage';
import type { TopicInfo } from '../metadata/topic-registry.js';
import type { BrokerServices } from '../services.js';

/**
 * The log of a partition the registry knows, or undefined when the topic or
 * partition does not exist (UNKNOWN_TOPIC_OR_PARTITION). A registered
 * partition whose log is not open yet is opened with the topic's config.
 */
export function partitionLogOf(
  broker: BrokerServices,
  topic: TopicInfo | undefined,
  partition: number,
): PartitionLog | undefined {
  if (topic === undefined || !Number.isInteger(partition) || partition < 0 || partition >= topic.partitions)
    return undefined;
  const log = broker.logs.get(topic.name, partition);
  if (log !== undefined) return log;
  return broker.logs.getOrCreate(
    topic.name,
    partition,
    topic.topicId,
    resolveLogConfig(broker.logs.defaults, topic.configs),
  );
}
