export { ERROR_CODES, ErrorCode, errorCodeInfo, type ErrorCodeInfo, type ErrorCodeName } from './error-codes.js';
export { KafkaError, isKafkaError } from './kafka-error.js';
