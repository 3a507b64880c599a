import type { PartitionLog } from '@fluxo/storage';
import type { BrokerServices } from '../services.js';

/** Completion functions of the long polls waiting on each broker (for shutdown). */
const pending = new WeakMap<BrokerServices, Set<() => void>>();

/**
 * Long poll: resolves once `bytesNeeded` more bytes were appended to any of
 * `logs`, after `maxWaitMs`, or when completeDelayedFetches is called.
 * Appends are counted, not read, so waiting costs nothing per append beyond a
 * callback; the caller reads afterwards.
 */
export function waitForAppends(
  broker: BrokerServices,
  logs: readonly PartitionLog[],
  bytesNeeded: number,
  maxWaitMs: number,
): Promise<void> {
  let waiting = pending.get(broker);
  if (waiting === undefined) pending.set(broker, (waiting = new Set()));
  const registry = waiting;
  return new Promise((resolve) => {
    let seen = 0;
    const removals: (() => void)[] = [];
    const finish = () => {
      clearTimeout(timer);
      for (const remove of removals) remove();
      registry.delete(finish);
      resolve();
    };
    const timer = setTimeout(finish, maxWaitMs);
    registry.add(finish);
    for (const log of new Set(logs)) {
      removals.push(
        log.onAppend((appended) => {
          seen += appended;
          if (seen >= bytesNeeded) finish();
        }),
      );
    }
  });
}

/** Answers every waiting fetch now with what is there (graceful shutdown: don't wait out max_wait_ms). */
export function completeDelayedFetches(broker: BrokerServices): number {
  const waiting = pending.get(broker);
  if (waiting === undefined) return 0;
  const all = [...waiting];
  for (const finish of all) finish();
  return all.length;
}
