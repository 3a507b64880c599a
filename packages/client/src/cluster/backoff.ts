/**
 * Kafka's exponential backoff: base * 2^attempts, capped, with ±20% jitter so
 * many clients do not retry in lockstep.
 */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  if (baseMs <= 0) return 0;
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));
  const jitter = 1 + (random() * 2 - 1) * 0.2;
  return Math.max(0, Math.min(maxMs, Math.round(exp * jitter)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
