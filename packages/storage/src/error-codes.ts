/**
 * The Kafka error codes the log itself can produce (Kafka's numbers). The
 * broker maps nothing: these go straight into responses.
 */
export const StorageErrorCode = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  POLICY_VIOLATION: 44,
  KAFKA_STORAGE_ERROR: 56,
  INVALID_CONFIG: 40,
  INVALID_RECORD: 87,
} as const;
export type StorageErrorCodeValue = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];
