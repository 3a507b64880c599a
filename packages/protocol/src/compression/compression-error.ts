import { ErrorCode } from '../errors/error-codes.js';
import { ProtocolDecodeError } from '../primitives/protocol-error.js';

export type CompressionErrorReason = 'unsupported-codec' | 'corrupt' | 'too-large';

/**
 * A compressed batch payload that cannot be decompressed within limits. It is a
 * ProtocolDecodeError (the bytes are bad), carrying the Kafka error code a broker
 * answers with: CORRUPT_MESSAGE for bad bytes and oversized output,
 * UNSUPPORTED_COMPRESSION_TYPE for an unknown codec id.
 */
export class CompressionError extends ProtocolDecodeError {
  override name = 'CompressionError';
  readonly reason: CompressionErrorReason;
  readonly errorCode: number;

  constructor(reason: CompressionErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    this.errorCode =
      reason === 'unsupported-codec' ? ErrorCode.UNSUPPORTED_COMPRESSION_TYPE : ErrorCode.CORRUPT_MESSAGE;
  }
}

/** Throws the typed too-large error when `bytes` exceeds the caller's output limit. */
export function checkOutputLimit(codec: string, bytes: number, limitBytes: number): void {
  if (bytes > limitBytes) {
    throw new CompressionError('too-large', `${codec} payload decompresses to more than ${limitBytes} bytes (limit)`);
  }
}
