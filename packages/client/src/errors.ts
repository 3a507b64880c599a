import { ErrorCode, errorCodeInfo, isKafkaError, KafkaError } from '@fluxo/protocol';

export { ErrorCode, KafkaError, isKafkaError } from '@fluxo/protocol';

/**
 * Client-side failures that have no Kafka error code of their own still carry
 * Kafka's name for them (as the Java client's exception classes do), a code and
 * `retriable`, so callers handle every error the same way.
 *
 * `err instanceof KafkaClientError` holds for every error the client raises
 * with a Kafka name: these classes, broker response codes (protocol's
 * `KafkaError`) and errors of another copy of this package (undici's pattern:
 * checked by shape, so duplicate installs agree). Subclasses keep the plain
 * prototype check.
 */
export class KafkaClientError extends Error {
  readonly code: number;
  readonly retriable: boolean;
  readonly isKafkaError = true;
  // `this` is the class on the right of instanceof: only the base class widens the check.
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: as above
    if (this === KafkaClientError) return isKafkaError(value);
    // biome-ignore lint/complexity/noThisInStatic: as above
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
  constructor(name: string, code: number, retriable: boolean, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
    this.code = code;
    this.retriable = retriable;
  }
}

/** Invalid client configuration: raised at construction, never retriable. */
export class ConfigError extends KafkaClientError {
  readonly key: string;
  constructor(key: string, message: string) {
    super('CONFIG_EXCEPTION', ErrorCode.INVALID_CONFIG, false, `invalid configuration "${key}": ${message}`);
    this.key = key;
  }
}

/** The connection closed or could not be opened; retriable (Java's NetworkException). */
export class ConnectionError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NETWORK_EXCEPTION', ErrorCode.NETWORK_EXCEPTION, true, message, options);
  }
}

/** A request got no answer within request.timeout.ms; retriable. */
export class RequestTimeoutError extends KafkaClientError {
  constructor(message: string) {
    super('REQUEST_TIMED_OUT', ErrorCode.REQUEST_TIMED_OUT, true, message);
  }
}

/** delivery.timeout.ms expired before the record was acknowledged. */
export class DeliveryTimeoutError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TIMEOUT_EXCEPTION', ErrorCode.REQUEST_TIMED_OUT, false, message, options);
  }
}

/**
 * A key or value serializer failed (or returned something other than bytes):
 * Kafka's SerializationException. Raised by send() before the record is
 * queued; not retriable. `cause` is what the serializer threw.
 */
export class SerializationError extends KafkaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERIALIZATION_EXCEPTION', -1, false, message, options);
  }
}

/** The client was closed while the operation was pending. */
export class ClientClosedError extends KafkaClientError {
  constructor(what: string, detail?: string) {
    super('ILLEGAL_STATE', -1, false, detail ?? `${what} is closed`);
  }
}

/** A feature that needs broker support Fluxo does not have yet (e.g. consumer groups). */
export class NotYetAvailableError extends KafkaClientError {
  constructor(what: string) {
    super('UNSUPPORTED_VERSION', ErrorCode.UNSUPPORTED_VERSION, false, `${what} is not yet available in this client`);
  }
}

/** Throws the KafkaError for a response error code; `context` names the topic/partition/resource. */
export function throwIfError(code: number, context: string, message?: string | null): void {
  if (code === 0) return;
  const info = errorCodeInfo(code);
  throw new KafkaError(code, `${context}: ${message || info?.message || `error code ${code}`}`);
}

export function kafkaError(code: number, context: string, message?: string | null): KafkaError {
  const info = errorCodeInfo(code);
  return new KafkaError(code, `${context}: ${message || info?.message || `error code ${code}`}`);
}

/**
 * Kafka's CommitFailedException: the commit was rejected because the member is
 * no longer part of the generation (rebalanced away, fenced, or poll came too
 * late). Not retriable: the partitions may already belong to another member.
 */
export class CommitFailedError extends KafkaClientError {
  constructor(code: number, message: string) {
    super('COMMIT_FAILED', code, false, message);
  }
}

/**
 * A fetched record batch failed its checks (CRC32C, lengths, decompression):
 * Kafka's CorruptRecordException as the Java consumer raises it from poll().
 * poll() hands out the records before it first; the partition then stays at
 * `offset` (retrying fetches the same bytes) until the application seeks past
 * `lastOffset`.
 */
export class CorruptRecordError extends KafkaClientError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    /** First offset of the batch that failed (the partition's position). */
    readonly offset: bigint,
    /** Last offset the batch claims to hold; -1 when its header could not be read. */
    readonly lastOffset: bigint,
    reason: string,
    options?: { cause?: unknown },
  ) {
    const skip = lastOffset >= offset ? ` (seek to ${lastOffset + 1n} to skip the batch)` : '';
    super(
      'CORRUPT_MESSAGE',
      ErrorCode.CORRUPT_MESSAGE,
      false,
      `record batch for partition ${topic}-${partition} at offset ${offset} is invalid: ${reason}. If needed, seek past it to continue consumption${skip}`,
      options,
    );
  }
}

/**
 * The key or value deserializer threw: Java's RecordDeserializationException.
 * poll() hands out the records before it first; the record stays the next one
 * (a later poll tries it again) until the application seeks to `offset + 1`.
 * `cause` is what the deserializer threw.
 */
export class RecordDeserializationError extends KafkaClientError {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: bigint,
    /** Which deserializer failed. */
    readonly origin: 'key' | 'value',
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(
      'RECORD_DESERIALIZATION_EXCEPTION',
      -1,
      false,
      `error deserializing ${origin} for partition ${topic}-${partition} at offset ${offset}${why}. If needed, seek past the record to continue consumption`,
      options,
    );
  }
}
