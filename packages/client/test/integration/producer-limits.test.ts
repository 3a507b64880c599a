// max.in.flight.requests.per.connection and delivery.timeout.ms against a real
// broker. A proxy holds every answer back a little, so requests pile up and
// the limit is actually reached; it counts what the client has outstanding.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, isKafkaError, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { KafkaProxy } from './kafka-proxy.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('in-flight limit and delivery timeout (real broker)', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ topic: 'in-flight', numPartitions: 4 }]);
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  for (const [limit, enableIdempotence] of [
    [1, true],
    [2, true],
    [5, true],
    [8, false],
  ] as const) {
    it(`max.in.flight.requests.per.connection ${limit} (idempotence ${enableIdempotence ? 'on' : 'off'}) is never exceeded, and reached`, async () => {
      const proxy = await KafkaProxy.start(broker.port);
      proxy.answerDelayMs = 40;
      try {
        const producer = new Producer<string, string>({
          bootstrapServers: proxy.bootstrap,
          keySerializer: 'string',
          valueSerializer: 'string',
          maxInFlightRequestsPerConnection: limit,
          enableIdempotence,
          lingerMs: 0,
          batchSize: 256,
        });
        const acks = await Promise.all(
          Array.from({ length: 600 }, (_, i) => producer.send({ topic: 'in-flight', key: `k${i}`, value: `v${i}` })),
        );
        await producer.close();
        assert.equal(acks.length, 600);
        assert.ok(proxy.stats.maxInFlight <= limit, `${proxy.stats.maxInFlight} requests in flight, limit ${limit}`);
        assert.equal(proxy.stats.maxProduceInFlight, limit, 'the producer pipelines up to the limit');
      } finally {
        await proxy.close();
      }
    });
  }

  it('a stopped broker fails a send with TIMEOUT after about delivery.timeout.ms, with the last error as cause', async () => {
    const own = await BrokerProcess.start();
    const ownAdmin = new Admin({ bootstrapServers: own.bootstrap });
    await ownAdmin.createTopics([{ topic: 'stops', numPartitions: 1 }]);
    await ownAdmin.close();
    const producer = new Producer<null, string>({
      bootstrapServers: own.bootstrap,
      valueSerializer: 'string',
      deliveryTimeoutMs: 4000,
      requestTimeoutMs: 1000,
      lingerMs: 0,
      retryBackoffMs: 50,
      reconnectBackoffMaxMs: 200,
    });
    try {
      await producer.send({ topic: 'stops', value: 'before' });
      await own.stop();
      const started = performance.now();
      await assert.rejects(producer.send({ topic: 'stops', value: 'after' }), (err: Error & { cause?: unknown }) => {
        const elapsed = performance.now() - started;
        assert.equal(err.name, 'TIMEOUT_EXCEPTION', err.message);
        assert.ok(isKafkaError(err.cause) && err.cause.retriable, `cause: ${String(err.cause)}`);
        // A retry whose backoff (capped at 1 s) would end past the deadline is not made: it fails then.
        assert.ok(elapsed >= 3000, `failed after ${Math.round(elapsed)} ms, well before delivery.timeout.ms`);
        assert.ok(elapsed < 4000 + 15_000, `failed only after ${Math.round(elapsed)} ms`);
        return true;
      });
    } finally {
      await producer.close();
      await own.stop();
    }
  });

  it('a broker that never answers: requests time out, retries stop at delivery.timeout.ms', async () => {
    const proxy = await KafkaProxy.start(broker.port);
    const producer = new Producer<null, string>({
      bootstrapServers: proxy.bootstrap,
      valueSerializer: 'string',
      deliveryTimeoutMs: 4000,
      requestTimeoutMs: 1000,
      lingerMs: 0,
      retryBackoffMs: 50,
    });
    try {
      await producer.send({ topic: 'in-flight', partition: 0, value: 'answered' });
      proxy.answerDelayMs = 3_600_000;
      const started = performance.now();
      await assert.rejects(producer.send({ topic: 'in-flight', partition: 0, value: 'unanswered' }), (err: Error) => {
        const elapsed = performance.now() - started;
        assert.equal(err.name, 'TIMEOUT_EXCEPTION', err.message);
        assert.ok(elapsed >= 3000 && elapsed < 4000 + 15_000, `failed after ${Math.round(elapsed)} ms`);
        return true;
      });
      assert.ok(proxy.stats.connections >= 2, 'a timed-out request closed its connection and the retry opened another');
    } finally {
      proxy.answerDelayMs = 0;
      await producer.close();
      await proxy.close();
    }
  });

  it('close({ timeoutMs }) waits that long at most: what is unacknowledged then fails with ILLEGAL_STATE', async () => {
    const proxy = await KafkaProxy.start(broker.port);
    const producer = new Producer<null, string>({
      bootstrapServers: proxy.bootstrap,
      valueSerializer: 'string',
      lingerMs: 0,
    });
    try {
      await producer.send({ topic: 'in-flight', partition: 0, value: 'answered' });
      proxy.answerDelayMs = 3_600_000;
      const unanswered = producer.send({ topic: 'in-flight', partition: 0, value: 'unanswered' });
      const started = performance.now();
      await producer.close({ timeoutMs: 300 });
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= 290 && elapsed < 5000, `close took ${Math.round(elapsed)} ms`);
      await assert.rejects(unanswered, (err: Error) => {
        assert.equal(err.name, 'ILLEGAL_STATE', err.message);
        return true;
      });
      await assert.rejects(producer.send({ topic: 'in-flight', value: 'after' }), { name: 'ILLEGAL_STATE' });
    } finally {
      proxy.answerDelayMs = 0;
      await proxy.close();
    }
  });

  it('an append slower than linger.ms still sends its batch at once (not after delivery.timeout.ms)', async () => {
    // Regression: a batch already past linger.ms when it was appended to got no timer, so it
    // waited for the delivery-timeout timer (CLI produce hangs under load).
    const producer = new Producer<null, string>({
      bootstrapServers: broker.bootstrap,
      valueSerializer: 'string',
      lingerMs: 5,
      deliveryTimeoutMs: 60_000,
      partitioner: {
        partition: () => {
          const until = performance.now() + 20; // a slow partitioner: 20 ms between batch creation and the append
          while (performance.now() < until) {}
          return 0;
        },
      },
    });
    try {
      const started = performance.now();
      const acks = await Promise.all([0, 1, 2].map((i) => producer.send({ topic: 'in-flight', value: `slow-${i}` })));
      const elapsed = performance.now() - started;
      assert.equal(acks.length, 3);
      assert.ok(elapsed < 10_000, `acknowledged after ${Math.round(elapsed)} ms`);
    } finally {
      await producer.close({ timeoutMs: 1000 });
    }
  });
});
