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
  type PartitionLogOptions,
  type ReadResult,
  type TimestampAndOffset,
} from './log/partition-log.js';
export { PARTITION_METADATA_FILE, readPartitionMetadata } from './log/partition-metadata-file.js';
export { type BatchLimits, assignOffsets, validateBatches } from './records/batch-validation.js';
export { findRecordByTimestamp } from './records/record-walk.js';
export { offsetFileStem, partitionDirName, parsePartitionDirName } from './segment/file-names.js';
