/**
 * The one error a decoder may throw: the bytes do not form a valid message.
 * Anything else escaping a decoder is a bug (the fuzz tests enforce that).
 */
export class ProtocolDecodeError extends Error {
  override name = 'ProtocolDecodeError';
}

/** Thrown by encoders when a value cannot be written at the requested version. */
export class ProtocolEncodeError extends Error {
  override name = 'ProtocolEncodeError';
}
