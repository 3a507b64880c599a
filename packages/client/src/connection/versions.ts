import { apiInfo } from '@fluxo/protocol';

export interface BrokerApiRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/**
 * For each API both sides know, the highest version both support: our range is
 * the generated codec's (minus a version Kafka marks unstable), the broker's is
 * its ApiVersions answer. APIs with no overlap are left out.
 */
export function negotiateVersions(broker: readonly BrokerApiRange[]): Map<number, number> {
  const chosen = new Map<number, number>();
  for (const range of broker) {
    const ours = apiInfo(range.apiKey);
    if (ours === undefined) continue;
    const ourMax = ours.latestVersionUnstable ? ours.highestVersion - 1 : ours.highestVersion;
    const max = Math.min(ourMax, range.maxVersion);
    const min = Math.max(ours.lowestVersion, range.minVersion);
    if (max >= min) chosen.set(range.apiKey, max);
  }
  return chosen;
}
