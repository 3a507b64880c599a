// Metadata (3), versions 0-12. All topics when `topics` is null (or empty at
// v0); topics by name or, from v10, by id. An unknown topic is created when
// auto.create.topics.enable and the request allows it (always before v4) and
// answered at once with its partitions (the creation is synchronous here);
// otherwise UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID or
// INVALID_TOPIC_EXCEPTION. Every partition is led by this node.
import { ApiKey, type MetadataRequest, MetadataResponse, ZERO_UUID } from '@fluxo/protocol';
import { createTopic } from '../admin/topic-admin.js';
import { ErrorCode } from '@fluxo/protocol';
import type { TopicInfo } from '../metadata/topic-registry.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';
import { singleNodePartition } from './partition-view.js';

export const metadataHandler: ApiHandler = {
  apiKey: ApiKey.Metadata,
  minVersion: 0,
  maxVersion: 12,
  handle(ctx: RequestContext, request: MetadataRequest.MetadataRequestData, broker: BrokerServices) {
    const all = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
    const allowAutoCreate = ctx.apiVersion < 4 || request.allowAutoTopicCreation;
    const topics = all
      ? broker.topics
          .list()
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((t) => describeTopic(broker, t))
      : request.topics!.map((t) => resolveTopic(broker, t, allowAutoCreate));
    const advertised = broker.advertised;
    return MetadataResponse.create({
      brokers: [
        MetadataResponse.createMetadataResponseBroker({
          nodeId: broker.nodeId,
          host: advertised.host,
          port: advertised.port,
          rack: broker.config.brokerRack,
        }),
      ],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
    });
  },
};

function resolveTopic(
  broker: BrokerServices,
  wanted: MetadataRequest.MetadataRequestTopic,
  allowAutoCreate: boolean,
): MetadataResponse.MetadataResponseTopic {
  if (wanted.name === null) {
    const byId = broker.topics.byId(wanted.topicId);
    return byId !== undefined
      ? describeTopic(broker, byId)
      : errorTopic(null, wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
  }
  const known = broker.topics.get(wanted.name);
  if (known !== undefined) return describeTopic(broker, known);
  if (!allowAutoCreate || !broker.config.autoCreateTopicsEnable) {
    return errorTopic(wanted.name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  const created = createTopic(
    broker,
    { name: wanted.name, numPartitions: -1, replicationFactor: -1, configs: {} },
    false,
  );
  if (created.topic === undefined) {
    const code =
      created.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION
        ? created.errorCode
        : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    return errorTopic(wanted.name, ZERO_UUID, code);
  }
  return describeTopic(broker, created.topic);
}

function describeTopic(broker: BrokerServices, topic: TopicInfo): MetadataResponse.MetadataResponseTopic {
  const partitions: MetadataResponse.MetadataResponsePartition[] = [];
  for (let p = 0; p < topic.partitions; p++) {
    partitions.push(MetadataResponse.createMetadataResponsePartition(singleNodePartition(broker, p)));
  }
  return MetadataResponse.createMetadataResponseTopic({
    errorCode: 0,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.isInternal,
    partitions,
  });
}

function errorTopic(name: string | null, topicId: string, errorCode: number): MetadataResponse.MetadataResponseTopic {
  return MetadataResponse.createMetadataResponseTopic({ errorCode, name, topicId, partitions: [] });
}
