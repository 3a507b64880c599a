import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Admin, Consumer, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('broker restart mid-stream', { skip }, () => {
  let broker: BrokerProcess | undefined;
  after(async () => {
    await broker?.stop();
  });

  it('the producer retries through the outage and the consumer resumes, in order, without loss or duplicates', async () => {
    broker = await BrokerProcess.start();
    const { dataDir, port } = broker;
    const bootstrapServers = broker.bootstrap;
    const admin = new Admin({ bootstrapServers });
    await admin.createTopics([{ topic: 'restart', numPartitions: 1 }]);
    await admin.close();
    const common = { bootstrapServers, reconnectBackoffMs: 20, reconnectBackoffMaxMs: 200, retryBackoffMs: 20 };
    const producer = new Producer<null, number>({ ...common, valueSerializer: 'integer', requestTimeoutMs: 2000 });
    const consumer = new Consumer<Buffer, number>({
      ...common,
      valueDeserializer: 'integer',
      autoOffsetReset: 'earliest',
      fetchMaxWaitMs: 100,
    });
    consumer.assign([{ topic: 'restart', partition: 0 }]);
    const seen: number[] = [];
    const drainFor = async (count: number) => {
      const deadline = Date.now() + 15_000;
      while (seen.length < count && Date.now() < deadline) {
        try {
          for (const r of await consumer.poll(200)) seen.push(r.value!);
        } catch {
          // connection errors while the broker is down surface as retriable; keep polling
        }
      }
    };

    await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send({ topic: 'restart', value: i })));
    await drainFor(100);
    await broker.kill();
    const during = Array.from({ length: 100 }, (_, i) => producer.send({ topic: 'restart', value: 100 + i }));
    await new Promise((r) => setTimeout(r, 300));
    broker = await BrokerProcess.start({ dataDir, port });
    const acks = await Promise.all(during);
    assert.deepEqual(
      acks.map((a) => a.offset),
      Array.from({ length: 100 }, (_, i) => BigInt(100 + i)),
    );
    await drainFor(200);
    await producer.close();
    await consumer.close();
    assert.deepEqual(
      seen,
      Array.from({ length: 200 }, (_, i) => i),
    );
  });
});
