import { randomBytes } from 'node:crypto';
import { randomUuid } from '@fluxo/protocol';
import { type LogConfig, resolveLogConfig, validateTopicConfigs } from '@fluxo/storage';
import { ErrorCode } from '@fluxo/protocol';
import { isMutableTopicRegistry, type MutableTopicRegistry, type TopicInfo } from '../metadata/topic-registry.js';
import { topicNameProblem } from '../metadata/topic-name.js';
import type { BrokerServices } from '../services.js';
import { type AdminResult, fail, OK } from './admin-result.js';

/** Partitions one topic may have; each partition holds open files. */
export const TOPIC_PARTITIONS_MAX = 10_000;

export interface NewTopic {
  readonly name: string;
  /** -1: num.partitions */
  readonly numPartitions: number;
  /** -1: default.replication.factor */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

export type CreateTopicResult = AdminResult & { readonly topic?: TopicInfo };

function registryOf(broker: BrokerServices): MutableTopicRegistry {
  if (!isMutableTopicRegistry(broker.topics)) throw new Error('topic registry is read-only');
  return broker.topics;
}

/** The topic's effective log config: broker defaults (dynamic layers included) with its overrides. */
export function logConfigOf(broker: Pick<BrokerServices, 'dynamicConfigs'>, topic: TopicInfo): LogConfig {
  return resolveLogConfig(broker.dynamicConfigs.logDefaults, topic.configs);
}

/** Checks the replication factor a single node can satisfy. */
export function replicationProblem(replicationFactor: number): AdminResult {
  if (replicationFactor <= 0)
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  if (replicationFactor > 1) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only 1 broker(s) are registered.`,
    );
  }
  return OK;
}

export function partitionCountProblem(numPartitions: number): AdminResult {
  if (numPartitions <= 0) return fail(ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.');
  if (numPartitions > TOPIC_PARTITIONS_MAX) {
    return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must not exceed ${TOPIC_PARTITIONS_MAX}.`);
  }
  return OK;
}

/** Validates and (unless validateOnly) creates a topic: registry entry first, then its partition logs. */
export function createTopic(broker: BrokerServices, spec: NewTopic, validateOnly: boolean): CreateTopicResult {
  const nameProblem = topicNameProblem(spec.name);
  if (nameProblem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem);
  if (broker.topics.get(spec.name) !== undefined) {
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`);
  }
  const numPartitions = spec.numPartitions === -1 ? broker.config.numPartitions : spec.numPartitions;
  const partitionResult = partitionCountProblem(numPartitions);
  if (partitionResult.errorCode !== 0) return partitionResult;
  const replicationFactor =
    spec.replicationFactor === -1 ? broker.config.defaultReplicationFactor : spec.replicationFactor;
  const replicationResult = replicationProblem(replicationFactor);
  if (replicationResult.errorCode !== 0) return replicationResult;
  const configProblem = validateTopicConfigs(spec.configs);
  if (configProblem !== null) return fail(ErrorCode.INVALID_CONFIG, configProblem);

  const topic: TopicInfo = {
    name: spec.name,
    topicId: randomUuid(randomBytes),
    partitions: numPartitions,
    replicationFactor,
    configs: { ...spec.configs },
    isInternal: false,
  };
  if (validateOnly) return { ...OK, topic };
  registryOf(broker).add(topic);
  const config = logConfigOf(broker, topic);
  for (let p = 0; p < numPartitions; p++) broker.logs.getOrCreate(topic.name, p, topic.topicId, config);
  return { ...OK, topic };
}

/** Removes a topic from the registry (so clients stop seeing it), then deletes its partition logs. */
export async function deleteTopic(broker: BrokerServices, topic: TopicInfo): Promise<AdminResult> {
  if (!broker.config.deleteTopicEnable) {
    return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled (delete.topic.enable=false).');
  }
  registryOf(broker).remove(topic.name);
  for (let p = 0; p < topic.partitions; p++) await broker.logs.deletePartition(topic.name, p);
  broker.groups.deleteOffsetsOfTopic(topic.name);
  return OK;
}

/** Grows a topic to `count` partitions. */
export function addPartitions(
  broker: BrokerServices,
  topic: TopicInfo,
  count: number,
  validateOnly: boolean,
): AdminResult {
  if (count < topic.partitions) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `Topic currently has ${topic.partitions} partitions, which is higher than the requested ${count}.`,
    );
  }
  if (count === topic.partitions) {
    return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${topic.partitions} partitions.`);
  }
  const countResult = partitionCountProblem(count);
  if (countResult.errorCode !== 0) return countResult;
  if (validateOnly) return OK;
  const grown: TopicInfo = { ...topic, partitions: count };
  registryOf(broker).update(grown);
  const config = logConfigOf(broker, grown);
  for (let p = topic.partitions; p < count; p++) broker.logs.getOrCreate(topic.name, p, topic.topicId, config);
  return OK;
}

/** Replaces a topic's config overrides after validating them, and applies them to its open logs. */
export function setTopicConfigs(
  broker: BrokerServices,
  topic: TopicInfo,
  configs: Readonly<Record<string, string>>,
  validateOnly: boolean,
): AdminResult {
  const problem = validateTopicConfigs(configs);
  if (problem !== null) return fail(ErrorCode.INVALID_CONFIG, problem);
  if (validateOnly) return OK;
  const changed: TopicInfo = { ...topic, configs: { ...configs } };
  registryOf(broker).update(changed);
  broker.logs.updateConfig(topic.name, logConfigOf(broker, changed));
  return OK;
}
