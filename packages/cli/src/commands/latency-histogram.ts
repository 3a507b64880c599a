// A log-linear latency histogram (the HdrHistogram idea): every power of two of
// microseconds is split into 64 buckets, so a percentile is within ~1.6% of the
// true sample whatever the count, in fixed memory.

/** Sub-buckets per power of two: 2^6, a relative error under 1/64. */
const SUB_BUCKET_BITS = 6;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Largest value tracked, in microseconds (~36 minutes); larger values are clamped. */
export const LATENCY_US_MAX = 2 ** 31 - 1;
const BUCKET_COUNT = (31 - SUB_BUCKET_BITS) * SUB_BUCKETS + 2 * SUB_BUCKETS;

function indexOf(us: number): number {
  const msb = 31 - Math.clz32(us);
  if (msb <= SUB_BUCKET_BITS) return us;
  const shift = msb - SUB_BUCKET_BITS;
  return (shift << SUB_BUCKET_BITS) + (us >>> shift);
}

/** The lowest value that falls in bucket `index`. */
function lowestOf(index: number): number {
  if (index < 2 * SUB_BUCKETS) return index;
  const shift = (index >>> SUB_BUCKET_BITS) - 1;
  return (index - (shift << SUB_BUCKET_BITS)) << shift;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  count = 0;
  sumUs = 0;
  maxUs = 0;
  minUs = Number.POSITIVE_INFINITY;

  /** Records one latency in milliseconds (fractional). */
  recordMs(ms: number): void {
    const us = Math.min(LATENCY_US_MAX, Math.max(0, Math.round(ms * 1000)));
    this.counts[indexOf(us)]!++;
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
    if (us < this.minUs) this.minUs = us;
  }

  /**
   * The value at quantile q (0..1) in ms: the middle of the bucket holding the
   * ceil(q * count)-th smallest sample, never above the exact maximum.
   */
  percentileMs(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) {
        const low = lowestOf(i);
        const width = lowestOf(i + 1) - low;
        return Math.min(this.maxUs, Math.max(this.minUs, low + (width - 1) / 2)) / 1000;
      }
    }
    return this.maxUs / 1000;
  }

  meanMs(): number {
    return this.count === 0 ? 0 : this.sumUs / this.count / 1000;
  }

  maxMs(): number {
    return this.maxUs / 1000;
  }
}
