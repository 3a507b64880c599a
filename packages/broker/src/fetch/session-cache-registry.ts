import type { BrokerServices } from '../services.js';
import { FetchSessionCache } from './fetch-session-cache.js';

/** One fetch session cache per broker instance (tests run several in one process). */
const caches = new WeakMap<BrokerServices, FetchSessionCache>();

export function fetchSessionCacheOf(broker: BrokerServices): FetchSessionCache {
  let cache = caches.get(broker);
  if (cache === undefined) {
    cache = new FetchSessionCache(broker.config.maxIncrementalFetchSessionCacheSlots);
    caches.set(broker, cache);
  }
  return cache;
}
