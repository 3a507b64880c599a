/** Kafka schema version ranges: "0+", "3-5", "7", "none". */
export interface VersionRange {
  lowest: number;
  /** Inclusive; Infinity for an open range. */
  highest: number;
}

export const NO_VERSIONS: VersionRange = { lowest: 1, highest: 0 };

export function parseVersions(spec: string | undefined, fallback: VersionRange = NO_VERSIONS): VersionRange {
  if (spec === undefined) return fallback;
  const s = spec.trim();
  if (s === 'none') return NO_VERSIONS;
  if (s.endsWith('+')) return { lowest: Number(s.slice(0, -1)), highest: Number.POSITIVE_INFINITY };
  const dash = s.indexOf('-');
  if (dash >= 0) return { lowest: Number(s.slice(0, dash)), highest: Number(s.slice(dash + 1)) };
  const n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`bad version spec ${JSON.stringify(spec)}`);
  return { lowest: n, highest: n };
}

export function contains(range: VersionRange, v: number): boolean {
  return v >= range.lowest && v <= range.highest;
}

export function isEmpty(range: VersionRange): boolean {
  return range.lowest > range.highest;
}

/** A TypeScript condition on `v` that is true exactly for versions in [lo, hi] within [min, max]. */
export function versionCondition(lo: number, hi: number, min: number, max: number): string {
  const parts: string[] = [];
  if (lo > min) parts.push(`v >= ${lo}`);
  if (hi < max) parts.push(`v <= ${hi}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}
