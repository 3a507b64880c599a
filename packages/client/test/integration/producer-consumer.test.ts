import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, type CompressionName, Consumer, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

async function consumeAll<K, V>(consumer: Consumer<K, V>, count: number, timeoutMs = 10_000) {
  const out = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count && Date.now() < deadline) out.push(...(await consumer.poll(500)));
  return out;
}

describe('producer and consumer against a Fluxo broker', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as CompressionName[]) {
    it(`round-trips keys, values, headers and timestamps with compression ${codec}`, async () => {
      const topic = `codec-${codec}`;
      await admin.createTopics([{ topic, numPartitions: 2 }]);
      const producer = new Producer<string, unknown>({
        bootstrapServers: broker.bootstrap,
        compressionType: codec,
        keySerializer: 'string',
        valueSerializer: 'json',
        lingerMs: 2,
      });
      const sent = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          producer.send({
            topic,
            key: `key-${i % 17}`,
            value: { i, text: 'x'.repeat(i % 50) },
            headers: [
              { key: 'h', value: `v${i}` },
              { key: 'h', value: null },
            ],
            timestamp: 1_700_000_000_000 + i,
          }),
        ),
      );
      await producer.close();
      const consumer = new Consumer<string, unknown>({
        bootstrapServers: broker.bootstrap,
        autoOffsetReset: 'earliest',
        keyDeserializer: 'string',
        valueDeserializer: 'json',
      });
      consumer.assign([0, 1].map((partition) => ({ topic, partition })));
      const records = await consumeAll(consumer, 200);
      await consumer.close();
      assert.equal(records.length, 200);
      const byIndex = new Map(records.map((r) => [(r.value as { i: number }).i, r]));
      for (let i = 0; i < 200; i++) {
        const r = byIndex.get(i)!;
        assert.equal(r.key, `key-${i % 17}`);
        assert.deepEqual(r.value, { i, text: 'x'.repeat(i % 50) });
        assert.equal(r.timestamp, BigInt(1_700_000_000_000 + i));
        assert.deepEqual(
          r.headers.map((h) => [h.key, h.value?.toString() ?? null]),
          [
            ['h', `v${i}`],
            ['h', null],
          ],
        );
        assert.equal(r.partition, sent[i]!.partition);
        assert.equal(r.offset, sent[i]!.offset);
      }
    });
  }

  it('keeps per-partition order, gives consecutive offsets, and honours an explicit partition', async () => {
    const topic = 'order';
    await admin.createTopics([{ topic, numPartitions: 3 }]);
    const producer = new Producer<null, number>({
      bootstrapServers: broker.bootstrap,
      valueSerializer: 'integer',
      batchSize: 512,
    });
    const sent = await Promise.all(
      Array.from({ length: 500 }, (_, i) => producer.send({ topic, value: i, partition: 1 })),
    );
    await producer.close();
    assert.deepEqual(
      sent.map((m) => m.offset),
      Array.from({ length: 500 }, (_, i) => BigInt(i)),
    );
    assert.ok(sent.every((m) => m.partition === 1));
    const consumer = new Consumer<Buffer, number>({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      valueDeserializer: 'integer',
      maxPollRecords: 100,
    });
    consumer.assign([{ topic, partition: 1 }]);
    const first = await consumer.poll(5000);
    assert.ok(first.length > 0 && first.length <= 100, `max.poll.records bounds a poll (got ${first.length})`);
    const records = [...first, ...(await consumeAll(consumer, 500 - first.length))];
    await consumer.close();
    assert.deepEqual(
      records.map((r) => r.value),
      Array.from({ length: 500 }, (_, i) => i),
    );
  });

  it('acks=0 and acks=1 deliver; acks=0 reports offset -1', async () => {
    const topic = 'acks';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const fireAndForget = new Producer({ bootstrapServers: broker.bootstrap, acks: 0 });
    const m0 = await fireAndForget.send({ topic, value: Buffer.from('a') });
    await fireAndForget.close();
    assert.equal(m0.offset, -1n);
    const leaderOnly = new Producer({ bootstrapServers: broker.bootstrap, acks: 1 });
    const m1 = await leaderOnly.send({ topic, value: Buffer.from('b') });
    await leaderOnly.close();
    assert.equal(m1.offset, 1n);
  });

  it('flush sends lingering records at once', async () => {
    const topic = 'flush';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 60_000, deliveryTimeoutMs: 120_000 });
    let settled = false;
    const pending = producer.send({ topic, value: Buffer.from('x') }).then((m) => {
      settled = true;
      return m;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(settled, false, 'lingerMs holds the record');
    const started = Date.now();
    await producer.flush();
    assert.ok(Date.now() - started < 5000);
    assert.equal((await pending).offset, 0n);
    await producer.close();
    await assert.rejects(producer.send({ topic, value: null }), { name: 'ILLEGAL_STATE' });
  });

  it("lets the broker create a missing topic (auto.create.topics.enable), as Java's producer does", async () => {
    const producer = new Producer({ bootstrapServers: broker.bootstrap, maxBlockMs: 5000 });
    assert.equal((await producer.send({ topic: 'created-on-send', value: null })).offset, 0n);
    await producer.close();
  });

  it('fails a send to a topic the broker cannot create after maxBlockMs', async () => {
    const producer = new Producer({ bootstrapServers: broker.bootstrap, maxBlockMs: 300 });
    await assert.rejects(
      producer.send({ topic: 'not/a/valid/name', value: null }),
      (err: Error & { retriable?: boolean }) => {
        assert.match(err.name, /INVALID_TOPIC_EXCEPTION|UNKNOWN_TOPIC_OR_PARTITION|TIMEOUT/);
        return true;
      },
    );
    await producer.close();
  });
});
