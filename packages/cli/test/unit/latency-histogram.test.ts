import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LatencyHistogram } from '../../src/commands/latency-histogram.js';

/** The exact value at quantile q of sorted samples (the ceil(q*n)-th smallest). */
function exact(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1]!;
}

describe('LatencyHistogram', () => {
  it('reports percentiles within 2% of the exact sample (or 1 µs), never above the max', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 60_000, noNaN: true }), { minLength: 1, maxLength: 2000 }),
        (samples) => {
          const h = new LatencyHistogram();
          for (const s of samples) h.recordMs(s);
          const sortedUs = samples.map((s) => Math.round(s * 1000)).sort((a, b) => a - b);
          for (const q of [0.5, 0.95, 0.99, 0.999, 1]) {
            const want = exact(sortedUs, q) / 1000;
            const got = h.percentileMs(q);
            assert.ok(Math.abs(got - want) <= Math.max(0.001, want * 0.02), `q=${q}: ${got} vs ${want}`);
          }
          assert.equal(h.maxMs(), sortedUs[sortedUs.length - 1]! / 1000);
          assert.equal(h.count, samples.length);
        },
      ),
    );
  });

  it('is exact below 128 µs and handles the empty and the clamped case', () => {
    const h = new LatencyHistogram();
    assert.equal(h.percentileMs(0.99), 0);
    for (let us = 1; us <= 100; us++) h.recordMs(us / 1000);
    assert.equal(h.percentileMs(0.5), 0.05);
    assert.equal(h.percentileMs(0.99), 0.099);
    assert.equal(h.meanMs(), 0.0505);
    h.recordMs(1e12);
    assert.equal(h.maxMs(), (2 ** 31 - 1) / 1000, 'clamped to the largest tracked value');
  });
});
