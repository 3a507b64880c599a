/**
 * `__consumer_offsets`: the compacted internal topic holding every group's
 * committed offsets and metadata, partitioned by group (Kafka's
 * abs(groupId.hashCode) % partitions). Created on first use, as Kafka does on
 * the first FindCoordinator, with offsets.topic.num.partitions partitions;
 * after that its partition count never changes.
 */
import { randomBytes } from 'node:crypto';
import { partitionForGroup } from '@fluxo/coordinator';
import { type PartitionLog, resolveLogConfig } from '@fluxo/storage';
import { randomUuid } from '@fluxo/protocol';
import type { GroupCoordinatorSettings } from '../config/broker-config.js';
import type { DynamicBrokerConfigs } from '../metadata/dynamic-broker-configs.js';
import { isMutableTopicRegistry, type TopicInfo, type TopicRegistry } from '../metadata/topic-registry.js';
import type { LogManager } from '@fluxo/storage';

export const OFFSETS_TOPIC = '__consumer_offsets';

export interface OffsetsTopicDeps {
  readonly topics: TopicRegistry;
  readonly logs: LogManager;
  readonly dynamicConfigs: DynamicBrokerConfigs;
  readonly settings: GroupCoordinatorSettings;
}

export function offsetsTopic(deps: OffsetsTopicDeps): TopicInfo | undefined {
  return deps.topics.get(OFFSETS_TOPIC);
}

/** The topic, created if missing. */
export function ensureOffsetsTopic(deps: OffsetsTopicDeps): TopicInfo {
  const existing = offsetsTopic(deps);
  if (existing !== undefined) return existing;
  if (!isMutableTopicRegistry(deps.topics)) throw new Error('topic registry is read-only');
  const topic: TopicInfo = {
    name: OFFSETS_TOPIC,
    topicId: randomUuid(randomBytes),
    partitions: deps.settings.offsetsTopicNumPartitions,
    replicationFactor: 1,
    configs: {
      'cleanup.policy': 'compact',
      'segment.bytes': String(deps.settings.offsetsTopicSegmentBytes),
      'compression.type': 'producer',
    },
    isInternal: true,
  };
  deps.topics.add(topic);
  const config = resolveLogConfig(deps.dynamicConfigs.logDefaults, topic.configs);
  for (let p = 0; p < topic.partitions; p++) deps.logs.getOrCreate(topic.name, p, topic.topicId, config);
  return topic;
}

/** The log holding a group's records. */
export function offsetsPartitionLog(deps: OffsetsTopicDeps, groupId: string): PartitionLog {
  const topic = ensureOffsetsTopic(deps);
  const partition = partitionForGroup(groupId, topic.partitions);
  const log = deps.logs.get(OFFSETS_TOPIC, partition);
  if (log !== undefined) return log;
  return deps.logs.getOrCreate(
    OFFSETS_TOPIC,
    partition,
    topic.topicId,
    resolveLogConfig(deps.dynamicConfigs.logDefaults, topic.configs),
  );
}
