export {
  Group,
  GroupState,
  type JoinOutcome,
  type Member,
  type MemberProtocol,
  type SyncOutcome,
} from './group/group.js';
export {
  DEFAULT_GROUP_CONFIG,
  GroupCoordinator,
  type GroupCoordinatorConfig,
  type GroupHooks,
  type JoinRequest,
  type LeaveResult,
  type SyncRequest,
} from './group/group-coordinator.js';
export {
  type CommittedOffset,
  type ConsumerOffsetsRecord,
  type GroupMetadata,
  decodeConsumerOffsetsRecord,
  groupMetadataKey,
  groupMetadataValue,
  offsetCommitKey,
  offsetCommitValue,
} from './offsets/consumer-offsets-records.js';
export { groupFromMetadata, groupMetadataOf } from './offsets/group-metadata-record.js';
export { subscribedTopics } from './group/subscribed-topics.js';
export { javaStringHashCode, partitionForGroup } from './offsets/group-partition.js';
export { OffsetStore } from './offsets/offset-store.js';
