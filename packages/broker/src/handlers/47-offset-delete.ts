// OffsetDelete (47), version 0: deletes committed offsets of a group. An
// unknown group is GROUP_ID_NOT_FOUND; while a consumer group has members,
// offsets of topics it subscribes to stay (GROUP_SUBSCRIBED_TO_TOPIC);
// partitions of unknown topics are UNKNOWN_TOPIC_OR_PARTITION.
import { ApiKey, ErrorCode, type OffsetDeleteRequest, OffsetDeleteResponse } from '@fluxo/protocol';
import { GroupState, subscribedTopics } from '@fluxo/coordinator';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const offsetDeleteHandler: ApiHandler = {
  apiKey: ApiKey.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  handle(_ctx: RequestContext, request: OffsetDeleteRequest.OffsetDeleteRequestData, broker: BrokerServices) {
    const group = broker.groups.coordinator.group(request.groupId);
    if (group === undefined || group.is(GroupState.Dead)) {
      return OffsetDeleteResponse.create({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] });
    }
    const active = !group.is(GroupState.Empty);
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
