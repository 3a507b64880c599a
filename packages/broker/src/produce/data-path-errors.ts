import { ErrorCode } from '../errors.js';

/**
 * Error codes of the data path: the broker's table plus the few it lacks
 * (Kafka's numbers). Kept apart so the shared table stays its owner's.
 */
export const DataPathErrorCode = {
  ...ErrorCode,
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 43,
  KAFKA_STORAGE_ERROR: 56,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  INVALID_FETCH_SESSION_EPOCH: 71,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
  FETCH_SESSION_TOPIC_ID_ERROR: 106,
} as const;
