import type { LogConfig } from '@fluxo/storage';

/**
 * The broker's validated configuration, by Kafka's names camelCased. The
 * parser (properties file, FLUXO_* environment, flags) and the full list of
 * settings live beside this file.
 */
export interface BrokerConfig {
  readonly nodeId: number;
  readonly listeners: string;
  readonly logDirs: string[];
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly autoCreateTopicsEnable: boolean;
  readonly messageMaxBytes: number;
  readonly socketRequestMaxBytes: number;

  readonly processRoles: readonly string[];
  /** The PLAINTEXT listener this process binds. */
  readonly listener: ListenerAddress;
  /** What clients are told to connect to (advertised.listeners, else the listener). */
  readonly advertisedListener: ListenerAddress;
  readonly brokerRack: string | null;
  readonly deleteTopicEnable: boolean;
  /** -1 means unlimited, as in Kafka. */
  readonly logRetentionMs: number;
  readonly logRetentionBytes: number;
  readonly logSegmentBytes: number;
  readonly logRollMs: number;
  readonly logRetentionCheckIntervalMs: number;
  /** Number.MAX_SAFE_INTEGER stands for Kafka's Long.MAX_VALUE (never). */
  readonly logFlushIntervalMessages: number;
  /** null: Kafka's default (log.flush.scheduler.interval.ms, i.e. never). */
  readonly logFlushIntervalMs: number | null;
  readonly minInsyncReplicas: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** Requests read from one connection but not yet answered; reading pauses at this bound. */
  readonly queuedMaxRequests: number;
  /** fetch.max.bytes: the most one Fetch response may carry, whatever the client asks. */
  readonly fetchMaxBytes: number;
  /** max.incremental.fetch.session.cache.slots (KIP-227). */
  readonly maxIncrementalFetchSessionCacheSlots: number;
  /** log.flush.offset.checkpoint.interval.ms */
  readonly logFlushOffsetCheckpointIntervalMs: number;
  /** producer.id.expiration.ms: a producer idle this long loses its sequence state. */
  readonly producerIdExpirationMs: number;
  /** producer.id.expiration.check.interval.ms */
  readonly producerIdExpirationCheckIntervalMs: number;
  /** log.cleaner.* settings (compaction). */
  readonly logCleaner: LogCleanerSettings;
  /** group.* and offsets.* settings. */
  readonly groupCoordinator: GroupCoordinatorSettings;
  /** Topic config defaults derived from the broker's log.* settings (storage's synonym table). */
  readonly logDefaults: LogConfig;
  /** Every setting's effective value as text, by Kafka name (for DescribeConfigs). */
  readonly values: ReadonlyMap<string, string>;
  /** Names set explicitly (file, environment or flag) rather than defaulted. */
  readonly explicit: ReadonlySet<string>;
}

export interface ListenerAddress {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** The log cleaner's settings, by Kafka's names (log.cleaner.*). */
export interface LogCleanerSettings {
  readonly enable: boolean;
  readonly threads: number;
  readonly dedupeBufferSize: number;
  readonly ioBufferSize: number;
  readonly ioBufferLoadFactor: number;
  readonly backoffMs: number;
}

/** The group coordinator's settings, by Kafka's names. */
export interface GroupCoordinatorSettings {
  readonly initialRebalanceDelayMs: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly maxSize: number;
  /** offsets.topic.num.partitions: fixed once `__consumer_offsets` exists. */
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicSegmentBytes: number;
  /** offsets.retention.minutes in ms. */
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetMetadataMaxBytes: number;
}
