import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { DefaultPartitioner, partitionForKeyBytes, RoundRobinPartitioner } from '../../src/index.js';

describe('partitioners', () => {
  it('places keys like the Java client (checked against kafkajs, an independent murmur2 implementation)', () => {
    const reference = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 200 }), (key, n) => {
        const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({
          partitionId,
          leader: 1,
          partitionErrorCode: 0,
          replicas: [1],
          isr: [1],
        }));
        const theirs = reference({ topic: 't', partitionMetadata, message: { key, value: null } });
        assert.equal(partitionForKeyBytes(Buffer.from(key), n), theirs);
      }),
      { numRuns: 500 },
    );
  });

  it('default partitioner sticks keyless records to one partition until told a batch filled', () => {
    const randoms = [0.1, 0.9];
    const p = new DefaultPartitioner(() => randoms.shift() ?? 0);
    const ctx = { topic: 't', key: null, numPartitions: 4, availablePartitions: [0, 1, 2, 3] };
    assert.equal(p.partition(ctx), 0);
    assert.equal(p.partition(ctx), 0);
    p.onNewBatch('t', 0);
    assert.equal(p.partition(ctx), 3);
    assert.equal(p.partition({ ...ctx, key: Buffer.from('k') }), partitionForKeyBytes(Buffer.from('k'), 4));
  });

  it('round-robin cycles through the available partitions', () => {
    const p = new RoundRobinPartitioner();
    const ctx = { topic: 't', key: Buffer.from('same'), numPartitions: 5, availablePartitions: [0, 2, 4] };
    assert.deepEqual(
      Array.from({ length: 6 }, () => p.partition(ctx)),
      [0, 2, 4, 0, 2, 4],
    );
  });
});
