import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '@fluxo/core';
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

  it('default partitioner (KIP-794) sticks keyless records to one partition for batch.size bytes, once the batch is full', () => {
    const randoms = [0.1, 0.9, 0.6];
    const p = new DefaultPartitioner({ batchSize: 100, random: () => randoms.shift() ?? 0 });
    const ctx = { topic: 't', key: null, numPartitions: 4, availablePartitions: [0, 1, 2, 3] };
    assert.equal(p.partition(ctx), 0);
    p.onAppend('t', 0, 60, false);
    assert.equal(p.partition(ctx), 0);
    p.onAppend('t', 0, 60, false);
    assert.equal(p.partition(ctx), 0, '120 bytes but the batch is not full: stay');
    p.onAppend('t', 0, 30, true);
    assert.equal(p.partition(ctx), 3, 'full and past batch.size: switch');
    p.onAppend('t', 3, 200, false);
    assert.equal(p.partition(ctx), 2, 'twice batch.size switches regardless');
    assert.equal(p.partition({ ...ctx, key: Buffer.from('k') }), partitionForKeyBytes(Buffer.from('k'), 4));
  });

  it('default partitioner: keys can be ignored, and adaptive choice favours shorter queues', () => {
    const ignoring = new DefaultPartitioner({ ignoreKeys: true, random: () => 0.99 });
    const ctx = { topic: 't', key: Buffer.from('k'), numPartitions: 3, availablePartitions: [0, 1, 2] };
    assert.equal(ignoring.partition(ctx), 2);
    // Queues of 0, 4 and 0 batches weigh 5, 1 and 5 (of 11): a draw of 0.6 is partition 2, where uniform gives 1.
    const queued = (n: number) => (n === 1 ? 4 : 0);
    const adaptive = new DefaultPartitioner({ random: () => 0.6 });
    assert.equal(adaptive.partition({ ...ctx, key: null, queuedBatches: queued }), 2);
    const uniform = new DefaultPartitioner({ adaptive: false, random: () => 0.6 });
    assert.equal(uniform.partition({ ...ctx, key: null, queuedBatches: queued }), 1);
    const counts = [0, 0, 0];
    const random = new SeededRandom(7);
    const seeded = new DefaultPartitioner({ batchSize: 1, random: () => random.next() });
    for (let i = 0; i < 3000; i++) {
      const n = seeded.partition({ ...ctx, key: null, queuedBatches: queued });
      counts[n]!++;
      seeded.onAppend('t', n, 1, true);
    }
    assert.ok(counts[1]! < counts[0]! / 2 && counts[1]! < counts[2]! / 2, `long queue chosen less: ${counts}`);
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
