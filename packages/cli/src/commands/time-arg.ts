// Timestamps on the command line: epoch milliseconds or an ISO-8601 date-time.
import { type ParsedArgs, usageError } from '../cli/args.js';

export function parseTimestampMs(args: ParsedArgs, what: string, raw: string): bigint {
  if (/^\d+$/.test(raw)) return BigInt(raw);
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw usageError(args, `${what}: "${raw}" is neither epoch milliseconds nor an ISO-8601 date`);
  return BigInt(ms);
}
