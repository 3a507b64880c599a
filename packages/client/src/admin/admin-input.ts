// Argument checks for admin calls. A value the wire cannot carry (a NaN
// partition, a number offset, a 40 000-character name) would otherwise fail
// inside the encoder with a RangeError; here it is refused before anything is
// sent, as Kafka's INVALID_REQUEST (not retriable), naming the argument.
import { ErrorCode } from '@fluxo/protocol';
import { KafkaClientError } from '../errors.js';

const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Kafka strings carry an int16 length. */
const STRING_LENGTH_MAX = 32_767;

export function invalidArgument(message: string): KafkaClientError {
  return new KafkaClientError('INVALID_REQUEST', ErrorCode.INVALID_REQUEST, false, message);
}

export function checkName(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalidArgument(`${what} must be a string, got ${typeof value}`);
  if (Buffer.byteLength(value) > STRING_LENGTH_MAX) {
    throw invalidArgument(`${what} is longer than ${STRING_LENGTH_MAX} bytes`);
  }
  return value;
}

export function checkInt32(value: unknown, what: string, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > INT32_MAX) {
    throw invalidArgument(`${what} must be an integer from ${min} to ${INT32_MAX}, got ${String(value)}`);
  }
  return value;
}

export function checkInt64(value: unknown, what: string): bigint {
  if (typeof value !== 'bigint' || value < INT64_MIN || value > INT64_MAX) {
    throw invalidArgument(`${what} must be a bigint (int64), got ${typeof value === 'bigint' ? value : typeof value}`);
  }
  return value;
}

export function checkArray<T>(value: readonly T[], what: string): readonly T[] {
  if (!Array.isArray(value)) throw invalidArgument(`${what} must be an array`);
  return value;
}
