export {
  CleaningAbortedError,
  CleanPass,
  type CleanPassOptions,
  type CleanStats,
  groupSegmentsBySize,
  UncleanableLogError,
} from './cleaner/clean-pass.js';
export { type CleanableRange, cleanableRange, worthCleaning } from './cleaner/cleanable-range.js';
export { type CleanerConfig, DEFAULT_CLEANER_CONFIG } from './cleaner/cleaner-config.js';
export { KEY_OFFSET_MAP_ENTRY_BYTES, KeyOffsetMap } from './cleaner/key-offset-map.js';
export { type CleanerMetrics, LogCleaner, type LogCleanerOptions, type WarnFields } from './cleaner/log-cleaner.js';
export { recoverCleanerFiles, SwapStep } from './cleaner/segment-swap.js';
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
  CLEANER_OFFSET_CHECKPOINT,
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
export {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  offsetFileStem,
  partitionDirName,
  parsePartitionDirName,
  SWAP_SUFFIX,
} from './segment/file-names.js';
