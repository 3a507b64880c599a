import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundRobinAssignor } from '../../src/index.js';
import { resolveConsumerConfig } from '../../src/consumer/consumer-config.js';

const base = { bootstrapServers: 'localhost:9092' };

describe('consumer group configuration', () => {
  it("takes Kafka's defaults", () => {
    const c = resolveConsumerConfig({ ...base, groupId: 'g' });
    assert.equal(c.sessionTimeoutMs, 45_000);
    assert.equal(c.heartbeatIntervalMs, 3000);
    assert.equal(c.maxPollIntervalMs, 300_000);
    assert.equal(c.autoCommitIntervalMs, 5000);
    assert.equal(c.enableAutoCommit, true);
    assert.equal(c.groupInstanceId, null);
    assert.deepEqual(
      c.assignors.map((a) => a.name),
      ['range', 'cooperative-sticky'],
    );
    assert.equal(resolveConsumerConfig(base).enableAutoCommit, false, 'no group, nothing to commit to');
  });

  it('accepts assignor names and objects, rejects unknown names and empty lists', () => {
    const custom = { ...roundRobinAssignor, name: 'RoundRobinAssigner' };
    const c = resolveConsumerConfig({ ...base, partitionAssignmentStrategy: ['sticky', custom] });
    assert.deepEqual(
      c.assignors.map((a) => [a.name, a.rebalanceProtocol]),
      [
        ['sticky', 'eager'],
        ['RoundRobinAssigner', 'eager'],
      ],
    );
    assert.throws(() => resolveConsumerConfig({ ...base, partitionAssignmentStrategy: ['fair' as 'range'] }), {
      name: 'CONFIG_EXCEPTION',
    });
    assert.throws(() => resolveConsumerConfig({ ...base, partitionAssignmentStrategy: [] }), {
      name: 'CONFIG_EXCEPTION',
    });
    assert.throws(() => resolveConsumerConfig({ ...base, groupInstanceId: '' }), { name: 'CONFIG_EXCEPTION' });
    assert.throws(() => resolveConsumerConfig({ ...base, sessionTimeoutMs: 0 }), { name: 'CONFIG_EXCEPTION' });
  });
});
