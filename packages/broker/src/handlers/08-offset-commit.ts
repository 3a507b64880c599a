// OffsetCommit (8), versions 2-9 (Kafka 4.0 dropped 0-1). As in Kafka,
// partitions of topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION
// before the group is asked; the rest are checked against the group (member,
// generation: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS,
// FENCED_INSTANCE_ID; GROUP_ID_NOT_FOUND from v9 for a group that is gone),
// then metadata longer than offset.metadata.max.bytes (counted in UTF-16 code
// units, as Java's String.length) is OFFSET_METADATA_TOO_LARGE for that
// partition only, and what remains is written to `__consumer_offsets`
// together before the answer. A commit without a generation (-1) is accepted
// while the group has no members (admin tools, consumers using assign()).
// retentionTimeMs (v2-4) is ignored, as since Kafka 2.1:
// offsets.retention.minutes decides.
import { ApiKey, ErrorCode, type OffsetCommitRequest, OffsetCommitResponse } from '@fluxo/protocol';
import type { OffsetToCommit } from '../groups/group-service.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const offsetCommitHandler: ApiHandler = {
  apiKey: ApiKey.OffsetCommit,
  minVersion: 2,
  maxVersion: 9,
  handle(ctx: RequestContext, request: OffsetCommitRequest.OffsetCommitRequestData, broker: BrokerServices) {
    const metadataMax = broker.config.groupCoordinator.offsetMetadataMaxBytes;
    const errors = new Map<string, number>();
    const slot = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const known: OffsetToCommit[] = [];
    for (const topic of request.topics) {
      const info = broker.topics.get(topic.name);
      for (const p of topic.partitions) {
        if (info === undefined || p.partitionIndex < 0 || p.partitionIndex >= info.partitions) {
          errors.set(slot(topic.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        known.push({
          topic: topic.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
        });
      }
    }
    if (known.length > 0) {
      let error = broker.groups.coordinator.validateOffsetCommit(
        request.groupId,
        request.memberId,
        request.groupInstanceId,
        request.generationIdOrMemberEpoch,
        ctx.apiVersion,
      );
      const accepted: OffsetToCommit[] = [];
      for (const o of known) {
        if (error === ErrorCode.NONE && o.metadata.length > metadataMax) {
          errors.set(slot(o.topic, o.partition), ErrorCode.OFFSET_METADATA_TOO_LARGE);
        } else accepted.push(o);
      }
      if (error === ErrorCode.NONE && accepted.length > 0) error = broker.groups.commit(request.groupId, accepted);
      broker.groups.schedule();
      for (const o of accepted) errors.set(slot(o.topic, o.partition), error);
    }
    return OffsetCommitResponse.create({
      topics: request.topics.map((topic) =>
        OffsetCommitResponse.createOffsetCommitResponseTopic({
          name: topic.name,
          partitions: topic.partitions.map((p) =>
            OffsetCommitResponse.createOffsetCommitResponsePartition({
              partitionIndex: p.partitionIndex,
              errorCode: errors.get(slot(topic.name, p.partitionIndex)) ?? ErrorCode.NONE,
            }),
          ),
        }),
      ),
    });
  },
};
