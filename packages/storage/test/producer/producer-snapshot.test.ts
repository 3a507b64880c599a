import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeProducerSnapshot, encodeProducerSnapshot, type ProducerStateEntry } from '../../src/index.js';

const entries: ProducerStateEntry[] = [
  {
    producerId: 7n,
    producerEpoch: 2,
    lastTimestamp: 1_700_000_000_123,
    batches: [
      { firstSeq: 0, lastSeq: 4, firstOffset: 10n, lastOffset: 14n, timestamp: 1_700_000_000_100 },
      { firstSeq: 5, lastSeq: 5, firstOffset: 20n, lastOffset: 20n, timestamp: 1_700_000_000_123 },
    ],
  },
  {
    producerId: 9_007_199_254_740_993n,
    producerEpoch: 32_767,
    lastTimestamp: -1,
    batches: [{ firstSeq: 2_147_483_647, lastSeq: 1, firstOffset: 0n, lastOffset: 2n, timestamp: -1 }],
  },
];

describe('producer snapshot format', () => {
  it('round-trips entries', () => {
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot(entries)), entries);
    assert.deepEqual(decodeProducerSnapshot(encodeProducerSnapshot([])), []);
  });

  it('detects any flipped bit, a truncation, trailing bytes and an unknown version', () => {
    const good = encodeProducerSnapshot(entries);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length * 8 - 1 }), (bit) => {
        const bad = Buffer.from(good);
        bad[bit >> 3] ^= 1 << (bit & 7);
        assert.equal(typeof decodeProducerSnapshot(bad), 'string');
      }),
    );
    for (let cut = 0; cut < good.length; cut++)
      assert.equal(typeof decodeProducerSnapshot(good.subarray(0, cut)), 'string');
    assert.equal(typeof decodeProducerSnapshot(Buffer.concat([good, Buffer.alloc(1)])), 'string');
  });
});
