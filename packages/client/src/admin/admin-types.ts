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

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  /** Kafka's ConfigSource code (1 dynamic topic, 4 static broker, 5 default, ...). */
  source: number;
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
