import type { KafkaClientError } from '../errors.js';

/**
 * Java's `all()` for a per-item admin answer: the results when every item
 * succeeded, else throws the first failed item's error (in request order).
 */
export function throwIfAnyFailed<T extends { error: KafkaClientError | null }>(results: T[]): T[] {
  const failed = results.find((r) => r.error !== null);
  if (failed !== undefined) throw failed.error;
  return results;
}
