import { errorCodeInfo } from './error-codes.js';

/**
 * An error a Kafka client can see: Kafka's error code with its name and
 * retriable flag. Both the broker (to map a failure to a response code) and the
 * client (to surface a response code) use it. `isKafkaError` checks by shape so
 * it still works when two copies of the package are loaded.
 */
export class KafkaError extends Error {
  override name: string;
  readonly code: number;
  readonly retriable: boolean;
  readonly isKafkaError = true;

  constructor(code: number, message?: string, options?: { cause?: unknown }) {
    const info = errorCodeInfo(code);
    super(message ?? info?.message ?? `Unknown Kafka error code ${code}`, options);
    this.code = code;
    // Codes newer than our table are treated like Java's UNKNOWN_SERVER_ERROR: not retriable.
    this.name = info?.name ?? 'UNKNOWN_SERVER_ERROR';
    this.retriable = info?.retriable ?? false;
  }
}

export function isKafkaError(e: unknown): e is KafkaError {
  return typeof e === 'object' && e !== null && (e as { isKafkaError?: unknown }).isKafkaError === true;
}
