export {
  DEFAULT_LOG_CONFIG,
  InvalidConfigError,
  type LogConfig,
  logConfigFromBrokerProperties,
  logConfigKey,
  logConfigValueString,
  resolveLogConfig,
  validateTopicConfigs,
} from './config/log-config.js';
export {
  type BrokerSynonym,
  formatTopicConfigValue,
  LONG_MAX,
  type ParsedConfig,
  parseTopicConfigValue,
  TOPIC_CONFIGS,
  type TopicConfigDef,
  type TopicConfigType,
  type TopicConfigValue,
  topicConfigDef,
} from './config/topic-configs.js';
export { type CheckpointEntry, readCheckpoint, writeCheckpoint } from './log/checkpoint-file.js';
export { ListOffsetsTimestamp } from './log/list-offsets-timestamps.js';
export {
  LOG_START_OFFSET_CHECKPOINT,
  LogManager,
  type LogManagerOptions,
  RECOVERY_POINT_CHECKPOINT,
} from './log/log-manager.js';
export {
  type AppendListener,
  type AppendResult,
  LEADER_EPOCH,
  PartitionLog,
  PRODUCER_ID_EXPIRATION_MS_DEFAULT,
  type PartitionLogOptions,
  type ReadResult,
  type TimestampAndOffset,
} from './log/partition-log.js';
export { PARTITION_METADATA_FILE, readPartitionMetadata } from './log/partition-metadata-file.js';
export { PRODUCER_SNAPSHOTS_MAX, type RebuildOutcome } from './producer/partition-producers.js';
export {
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  SNAPSHOT_SUFFIX,
  SNAPSHOT_VERSION,
  snapshotPath,
} from './producer/producer-snapshot-file.js';
export {
  type AppendVerdict,
  BATCHES_CACHED_PER_PRODUCER,
  type BatchMetadata,
  type ProducerBatch,
  type ProducerStateEntry,
  ProducerStateManager,
} from './producer/producer-state.js';
export { incrementSequence, inSequence, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE } from './producer/sequence.js';
export { type BatchLimits, assignOffsets, validateBatches } from './records/batch-validation.js';
export { findRecordByTimestamp } from './records/record-walk.js';
export { offsetFileStem, partitionDirName, parsePartitionDirName } from './segment/file-names.js';
