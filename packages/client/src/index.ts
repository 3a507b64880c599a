export * from './errors.js';
export type { ClientConfig } from './config.js';
export { Connection, type ConnectionOptions } from './connection/connection.js';
export { FrameDecoder } from './connection/frame-decoder.js';
export { negotiateVersions } from './connection/versions.js';
export { Cluster } from './cluster/cluster.js';
export type { BrokerAddress, PartitionInfo, TopicInfo } from './cluster/metadata-cache.js';
export { OffsetSpec } from './cluster/list-offsets.js';
export { Admin, type AdminConfig, type AdminOptions } from './admin/admin.js';
export * from './admin/admin-types.js';
export { throwIfAnyFailed } from './admin/admin-results.js';
export { Producer } from './producer/producer.js';
export type { ProducerConfig, Acks, CompressionName } from './producer/producer-config.js';
export type { ProducerRecord } from './producer/producer-record.js';
export type { RecordMetadata } from './producer/producer-batch.js';
export {
  type Partitioner,
  type PartitionContext,
  DefaultPartitioner,
  RoundRobinPartitioner,
  partitionForKeyBytes,
} from './producer/partitioners.js';
export { Serdes, type Serializer, type Deserializer, type Serde, type SerdeName } from './serde/serializers.js';
export { Consumer } from './consumer/consumer.js';
export type { ConsumerConfig, AutoOffsetReset, IsolationLevel } from './consumer/consumer-config.js';
export type { ConsumerRecord, TopicPartition } from './consumer/consumer-record.js';
export { type GroupMember, type PartitionAssignor, sortMembers } from './consumer/assignors/assignor.js';
export { rangeAssignor } from './consumer/assignors/range.js';
export { roundRobinAssignor } from './consumer/assignors/round-robin.js';
export type {
  AssignorName,
  ConsumerGroupMetadata,
  OffsetAndMetadata,
  RebalanceListener,
} from './consumer/group-types.js';
export { stickyAssignor, cooperativeStickyAssignor } from './consumer/assignors/sticky.js';
export { assignorByName } from './consumer/assignors/by-name.js';
export {
  encodeSubscription,
  decodeSubscription,
  encodeAssignment,
  decodeAssignment,
  type Subscription,
} from './consumer/consumer-protocol.js';
