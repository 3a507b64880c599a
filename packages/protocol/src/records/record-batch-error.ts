import { ErrorCode } from '../errors/error-codes.js';
import { ProtocolDecodeError } from '../primitives/protocol-error.js';

export type RecordBatchErrorReason =
  | 'truncated'
  | 'invalid-length'
  | 'unsupported-magic'
  | 'crc-mismatch'
  | 'invalid-record-count'
  | 'invalid-record';

/** The Kafka error code a broker answers a Produce with, per reason (as Kafka's LogValidator does). */
export function errorCodeForReason(reason: RecordBatchErrorReason): number {
  switch (reason) {
    case 'unsupported-magic':
      return ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT;
    case 'invalid-record-count':
    case 'invalid-record':
      return ErrorCode.INVALID_RECORD;
    default:
      return ErrorCode.CORRUPT_MESSAGE;
  }
}

/**
 * A record batch whose bytes are malformed. Every failure of the record decoders
 * is either this or a CompressionError; both are ProtocolDecodeErrors.
 */
export class RecordBatchError extends ProtocolDecodeError {
  override name = 'RecordBatchError';
  readonly reason: RecordBatchErrorReason;
  readonly errorCode: number;

  constructor(reason: RecordBatchErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.errorCode = errorCodeForReason(reason);
  }
}
