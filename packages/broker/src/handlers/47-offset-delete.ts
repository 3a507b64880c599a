// OffsetDelete (47), version 0: deletes committed offsets of a group, as
// Kafka: the empty group id is INVALID_GROUP_ID and an unknown group
// GROUP_ID_NOT_FOUND. An Empty group loses any offsets; while a consumer
// group has members, offsets of topics it subscribes to stay
// (GROUP_SUBSCRIBED_TO_TOPIC per partition); a group of another protocol type
// with members is NON_EMPTY_GROUP. Partitions of unknown topics are
// UNKNOWN_TOPIC_OR_PARTITION.
import { ApiKey, ErrorCode, type OffsetDeleteRequest, OffsetDeleteResponse } from '@fluxo/protocol';
import { GroupState, subscribedTopics } from '@fluxo/coordinator';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const offsetDeleteHandler: ApiHandler = {
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle(_ctx: RequestContext, request: OffsetDeleteRequest.OffsetDeleteRequestData, broker: BrokerServices) {
    if (request.groupId === '')
      return OffsetDeleteResponse.create({ errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] });
    const group = broker.groups.coordinator.group(request.groupId);
    if (group === undefined || group.is(GroupState.Dead)) {
      return OffsetDeleteResponse.create({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] });
    }
    const active = !group.is(GroupState.Empty);
    if (active && group.protocolType !== 'consumer') {
      return OffsetDeleteResponse.create({ errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] });
    }
    const subscribed = active ? subscribedTopics(group) : new Set<string>();
    const isSubscribed = (topic: string) => subscribed === undefined || subscribed.has(topic);
    const errors = new Map<string, number>();
    const slot = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const deletable: { topic: string; partition: number }[] = [];
    for (const topic of request.topics) {
      const info = broker.topics.get(topic.name);
      for (const p of topic.partitions) {
        let error: number = ErrorCode.NONE;
        if (info === undefined || p.partitionIndex < 0 || p.partitionIndex >= info.partitions) {
          error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        } else if (isSubscribed(topic.name)) {
          error = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        } else {
          deletable.push({ topic: topic.name, partition: p.partitionIndex });
        }
        errors.set(slot(topic.name, p.partitionIndex), error);
      }
    }
    const writeError = broker.groups.deleteOffsets(request.groupId, deletable);
    if (writeError !== ErrorCode.NONE) return OffsetDeleteResponse.create({ errorCode: writeError, topics: [] });
    return OffsetDeleteResponse.create({
      errorCode: ErrorCode.NONE,
      topics: request.topics.map((topic) =>
        OffsetDeleteResponse.createOffsetDeleteResponseTopic({
          name: topic.name,
          partitions: topic.partitions.map((p) =>
            OffsetDeleteResponse.createOffsetDeleteResponsePartition({
              partitionIndex: p.partitionIndex,
              errorCode: errors.get(slot(topic.name, p.partitionIndex)) ?? ErrorCode.NONE,
            }),
          ),
        }),
      ),
    });
  },
};
