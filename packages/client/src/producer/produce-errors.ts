import { ErrorCode } from '@fluxo/protocol';

/**
 * Partition errors that mean our metadata is stale (Java's InvalidMetadataException
 * family): the producer refreshes the topic before it retries.
 */
const STALE_METADATA = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

/** Leader moved or unknown: until the refresh, nothing more goes to the old leader for this partition. */
const LEADER_GONE = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.FENCED_LEADER_EPOCH,
]);

/**
 * Errors after which the producer can do nothing more (Java's TransactionManager
 * moves to its fatal state): every pending and later send fails with it.
 */
const FATAL = new Set<number>([
  ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
  ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  ErrorCode.PRODUCER_FENCED,
  ErrorCode.UNSUPPORTED_VERSION,
]);

export function isStaleMetadataError(code: number): boolean {
  return STALE_METADATA.has(code);
}

export function isLeaderGoneError(code: number): boolean {
  return LEADER_GONE.has(code);
}

export function isFatalProducerError(code: number): boolean {
  return FATAL.has(code);
}
