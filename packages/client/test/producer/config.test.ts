import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Admin, Consumer, Producer, Serdes } from '../../src/index.js';

const bootstrapServers = '127.0.0.1:9';

describe('configuration is validated at construction', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['missing bootstrap', { bootstrapServers: '' }, /bootstrapServers.*at least one/],
    ['bad host:port', { bootstrapServers: 'localhost' }, /"localhost" is not host:port/],
    ['unknown key', { bootstrapServers, lingerMS: 5 }, /"lingerMS": unknown setting/],
    ['bad acks', { bootstrapServers, acks: 2 }, /"acks": expected 0, 1 or 'all'/],
    ['idempotence with acks=1', { bootstrapServers, acks: 1, enableIdempotence: true }, /acks.*must be 'all'/],
    ['too many in flight', { bootstrapServers, maxInFlightRequestsPerConnection: 6 }, /at most 5/],
    ['bad compression', { bootstrapServers, compressionType: 'brotli' }, /compressionType.*one of none, gzip/],
    ['negative linger', { bootstrapServers, lingerMs: -1 }, /lingerMs.*outside/],
    ['fractional batch', { bootstrapServers, batchSize: 1.5 }, /batchSize.*integer/],
    ['bad serializer', { bootstrapServers, keySerializer: 'uuid' }, /unknown serializer "uuid"/],
    ['delivery < request timeout', { bootstrapServers, deliveryTimeoutMs: 1000 }, /deliveryTimeoutMs/],
    ['idempotence with retries 0', { bootstrapServers, retries: 0, enableIdempotence: true }, /retries.*non-zero/],
    [
      'more than 5 in flight with acks=1 (Kafka 4.0)',
      { bootstrapServers, acks: 1, maxInFlightRequestsPerConnection: 6 },
      /at most 5 to use the idempotent producer/,
    ],
    ['negative retries', { bootstrapServers, retries: -1 }, /retries.*outside/],
    ['no requests in flight', { bootstrapServers, maxInFlightRequestsPerConnection: 0 }, /outside \[1, 1000\]/],
    ['metadata.max.idle.ms below Kafka’s minimum', { bootstrapServers, metadataMaxIdleMs: 1000 }, /outside \[5000/],
    ['a boolean given as text', { bootstrapServers, partitionerIgnoreKeys: 'yes' }, /expected true or false/],
    [
      'transactions (not supported yet)',
      { bootstrapServers, transactionalId: 'tx' },
      /"transactionalId": unknown setting/,
    ],
  ];
  for (const [name, config, message] of cases) {
    it(`producer: ${name}`, () => {
      assert.throws(
        () => new Producer(config as never),
        (err: Error & { name: string; retriable: boolean }) => {
          assert.equal(err.name, 'CONFIG_EXCEPTION');
          assert.equal(err.retriable, false);
          assert.match(err.message, message);
          return true;
        },
      );
    });
  }

  it('acks=1 or retries 0 without explicit idempotence turn idempotence off instead of failing', () => {
    for (const extra of [{ acks: 1 as const }, { retries: 0 }, { acks: 0 as const }]) {
      const p = new Producer({ bootstrapServers, ...extra });
      assert.equal(p.config.enableIdempotence, false, JSON.stringify(extra));
      void p.close();
    }
    const off = new Producer({ bootstrapServers, enableIdempotence: false, maxInFlightRequestsPerConnection: 6 });
    assert.equal(off.config.maxInFlight, 6, 'more than 5 in flight is fine once idempotence is off');
    void off.close();
  });

  it('deliveryTimeoutMs left at its default is raised to lingerMs + requestTimeoutMs, as Java does', () => {
    const p = new Producer({ bootstrapServers, requestTimeoutMs: 200_000, lingerMs: 10 });
    assert.equal(p.config.deliveryTimeoutMs, 200_010);
    void p.close();
  });

  it('consumer and admin reject bad settings too', () => {
    assert.throws(() => new Consumer({ bootstrapServers, autoOffsetReset: 'smallest' as never }), /autoOffsetReset/);
    assert.throws(() => new Consumer({ bootstrapServers, isolationLevel: 'serializable' as never }), /isolationLevel/);
    assert.throws(() => new Admin({ bootstrapServers, acks: 1 } as never), /"acks": unknown setting/);
  });
});

describe('types follow the serializers', () => {
  it('infers key and value types from Serdes objects', async () => {
    const producer = new Producer({ bootstrapServers, keySerializer: Serdes.string, valueSerializer: Serdes.long });
    // @ts-expect-error the value serializer takes bigint, not number
    const wrong = () => producer.send({ topic: 't', key: 'k', value: 1 });
    const right = () => producer.send({ topic: 't', key: 'k', value: 1n });
    assert.equal(typeof wrong, 'function');
    assert.equal(typeof right, 'function');
    await producer.close();
  });
});
