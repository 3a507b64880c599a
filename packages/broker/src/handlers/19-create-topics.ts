// CreateTopics (19), versions 0-7. Per topic: INVALID_REQUEST for a name given
// twice, INVALID_TOPIC_EXCEPTION for an illegal name, TOPIC_ALREADY_EXISTS,
// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR (a single node cannot hold
// more than one replica), INVALID_REPLICA_ASSIGNMENT (manual assignments must
// name only this node), INVALID_CONFIG (storage's topic-config table decides).
// validateOnly runs every check and creates nothing. From v5 the result carries
// the partition count, replication factor and the topic's configs; v7 its id.
import { ApiKey, type CreateTopicsRequest, CreateTopicsResponse, ZERO_UUID } from '@fluxo/protocol';
import { fail } from '../admin/admin-result.js';
import { type CreateTopicResult, createTopic, logConfigOf } from '../admin/topic-admin.js';
import { topicConfigEntries } from '../admin/config-view.js';
import { ErrorCode } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const createTopicsHandler: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  handle(_ctx: RequestContext, request: CreateTopicsRequest.CreateTopicsRequestData, broker: BrokerServices) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const topics = request.topics.map((t) => {
      const result =
        counts.get(t.name)! > 1
          ? fail(ErrorCode.INVALID_REQUEST, `Create topics request from client contains a duplicate topic ${t.name}.`)
          : createOne(broker, t, request.validateOnly);
      return toResult(broker, t, result);
    });
    return CreateTopicsResponse.create({ topics });
  },
};

function createOne(broker: BrokerServices, t: CreateTopicsRequest.CreatableTopic, validateOnly: boolean) {
  let numPartitions = t.numPartitions;
  let replicationFactor = t.replicationFactor;
  if (t.assignments.length > 0) {
    if (numPartitions !== -1 || replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      );
    }
    for (const [i, a] of t.assignments.entries()) {
      if (a.partitionIndex !== i || a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId) {
        return fail(
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          `Partition ${a.partitionIndex} must be assigned to this node only (${broker.nodeId}), in order.`,
        );
      }
    }
    numPartitions = t.assignments.length;
    replicationFactor = 1;
  }
  const configs: Record<string, string> = {};
  for (const c of t.configs) {
    if (c.value === null)
      return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`);
    configs[c.name] = c.value;
  }
  return createTopic(broker, { name: t.name, numPartitions, replicationFactor, configs }, validateOnly);
}

function toResult(
  broker: BrokerServices,
  t: CreateTopicsRequest.CreatableTopic,
  result: CreateTopicResult,
): CreateTopicsResponse.CreatableTopicResult {
  const topic = result.topic;
  if (topic === undefined) {
    return CreateTopicsResponse.createCreatableTopicResult({
      name: t.name,
      topicId: ZERO_UUID,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      numPartitions: -1,
      replicationFactor: -1,
      configs: [],
    });
  }
  const configs = topicConfigEntries(broker, topic.configs, logConfigOf(broker, topic), null).map((e) =>
    CreateTopicsResponse.createCreatableTopicConfigs({
      name: e.name,
      value: e.value,
      readOnly: e.readOnly,
      configSource: e.configSource,
      isSensitive: false,
    }),
  );
  return CreateTopicsResponse.createCreatableTopicResult({
    name: t.name,
    topicId: topic.topicId,
    errorCode: 0,
    errorMessage: null,
    numPartitions: topic.partitions,
    replicationFactor: topic.replicationFactor,
    configs,
  });
}
