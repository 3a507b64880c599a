import type { KafkaClientError } from '../errors.js';

export interface NewTopic {
  topic: string;
  /** -1 takes the broker's num.partitions. */
  numPartitions?: number;
  /** -1 takes the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Explicit replica placement: partition index -> broker ids. */
  replicaAssignment?: Record<number, number[]>;
  configs?: Record<string, string>;
}

export interface TopicDescription {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: { partition: number; leader: number; leaderEpoch: number; replicas: number[]; isr: number[] }[];
}

/** Kafka's ConfigResource.Type codes. */
export const ConfigResourceType = { topic: 2, broker: 4, brokerLogger: 8 } as const;
export type ConfigResourceTypeName = keyof typeof ConfigResourceType;

export interface ConfigResource {
  type: ConfigResourceTypeName;
  name: string;
  /** Only these keys (all when omitted). */
  keys?: string[];
}

/** Kafka's ConfigEntry.ConfigSource codes. */
export const ConfigSource = {
  unknown: 0,
  dynamicTopicConfig: 1,
  dynamicBrokerConfig: 2,
  dynamicDefaultBrokerConfig: 3,
  staticBrokerConfig: 4,
  defaultConfig: 5,
  dynamicBrokerLoggerConfig: 6,
} as const;

export interface ConfigSynonym {
  name: string;
  value: string | null;
  /** A ConfigSource code. */
  source: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  /** Kafka's ConfigSource code (1 dynamic topic, 2 dynamic broker, 3 dynamic cluster default, 4 static broker, 5 default). */
  source: number;
  /** Where else the value could come from, highest precedence first (only with `includeSynonyms`). */
  synonyms: ConfigSynonym[];
}

export interface DescribeConfigsOptions {
  /** Ask for each entry's synonyms (DescribeConfigs v1+). */
  includeSynonyms?: boolean;
  timeoutMs?: number;
}

/** One resource's answer to describeConfigs: its entries, or the error that resource got. */
export interface ConfigResourceResult {
  type: ConfigResourceTypeName;
  name: string;
  /** Empty when `error` is set. */
  configs: ConfigEntry[];
  error: KafkaClientError | null;
}

/** One resource's answer to incrementalAlterConfigs. */
export interface AlterConfigsResult {
  type: ConfigResourceTypeName;
  name: string;
  error: KafkaClientError | null;
}

/** Kafka's AlterConfigOp.OpType. */
export const AlterConfigOpType = { set: 0, delete: 1, append: 2, subtract: 3 } as const;

export interface AlterConfigOp {
  name: string;
  op: keyof typeof AlterConfigOpType;
  value?: string | null;
}

export interface ClusterDescription {
  clusterId: string;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
}

/** A group's state as the coordinator reports it (Kafka's ConsumerGroupState names). */
export type GroupState =
  | 'Unknown'
  | 'PreparingRebalance'
  | 'CompletingRebalance'
  | 'Stable'
  | 'Dead'
  | 'Empty'
  | 'Assigning'
  | 'Reconciling';

export interface ListGroupsOptions {
  /** Only groups in these states (ListGroups v4+ states filter; all when omitted). */
  states?: readonly GroupState[];
  timeoutMs?: number;
}

/** One row of ListGroups, gathered from every broker. */
export interface GroupListing {
  groupId: string;
  /** "consumer" for consumer groups, "" for a group that only stores offsets. */
  protocolType: string;
  /** Empty when the broker does not report states (ListGroups < v4). */
  state: GroupState | '';
}

export interface GroupMemberDescription {
  memberId: string;
  /** Static membership id (group.instance.id), null for dynamic members. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Decoded from the member's ConsumerProtocolAssignment; empty if not a consumer group or undecodable. */
  assignment: { topic: string; partition: number }[];
  /** The subscribed topics from the member's ConsumerProtocolSubscription (empty if undecodable). */
  subscription: string[];
}

export interface GroupDescription {
  groupId: string;
  state: GroupState | string;
  /** "consumer" for consumer groups. */
  protocolType: string;
  /** The chosen assignor ("range", "roundrobin", "sticky", "cooperative-sticky") when Stable. */
  protocol: string;
  members: GroupMemberDescription[];
  /** Node id of the group coordinator that answered. */
  coordinator: number;
}

/** A committed offset of a group (OffsetFetch / OffsetCommit). */
export interface GroupTopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
  /** -1 when unknown. */
  leaderEpoch?: number;
  metadata?: string | null;
}

/** Per-group outcome of a batched group call (deleteGroups): error null on success. */
export interface GroupResult {
  groupId: string;
  error: KafkaClientError | null;
}

/** Per-topic outcome of deleteTopics / createPartitions: error null on success. */
export interface TopicResult {
  topic: string;
  error: KafkaClientError | null;
}

/** Per-partition outcome of alterConsumerGroupOffsets / deleteConsumerGroupOffsets. */
export interface PartitionResult {
  topic: string;
  partition: number;
  error: KafkaClientError | null;
}

/** Per-partition outcome of deleteRecords: the new log start offset, or -1 with the error. */
export interface DeleteRecordsResult extends PartitionResult {
  lowWatermark: bigint;
}

/** A committed offset as listConsumerGroupOffsets reports it: a partition the coordinator refused carries its error (offset -1). */
export interface ListedGroupOffset extends GroupTopicPartitionOffset {
  error: KafkaClientError | null;
}

/** Raise a topic to `count` partitions; `assignments` places the new ones (one broker-id list per new partition). */
export interface NewPartitions {
  topic: string;
  count: number;
  assignments?: number[][];
}
