/** Kafka's RecordBatch.NO_SEQUENCE / NO_PRODUCER_ID / NO_PRODUCER_EPOCH. */
export const NO_SEQUENCE = -1;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;

const INT32_MAX = 2_147_483_647;

/**
 * `sequence + increment`, wrapping past Int32 max to 0 as Kafka's producers
 * do (DefaultRecordBatch.incrementSequence): a batch's last sequence is its
 * base sequence plus its lastOffsetDelta.
 */
export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}

/** True when `next` directly follows `last`: last + 1, or 0 after Int32 max. */
export function inSequence(last: number, next: number): boolean {
  return next === last + 1 || (next === 0 && last === INT32_MAX);
}
