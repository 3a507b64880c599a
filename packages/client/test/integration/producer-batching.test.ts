// linger.ms and batch.size as the broker sees them: batch boundaries read from
// the broker's own log segments (batches are stored exactly as sent).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, Producer } from '../../src/index.js';
import { storedBatches } from './broker-log.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

describe('linger.ms and batch.size, seen in the broker log', { skip }, () => {
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

  const producerFor = (lingerMs: number, batchSize: number) =>
    new Producer<null, string>({ bootstrapServers: broker.bootstrap, valueSerializer: 'string', lingerMs, batchSize });

  it('records sent within linger.ms go out as one batch', async () => {
    const topic = 'linger-one-batch';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = producerFor(500, 1024 * 1024);
    const acks = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({ topic, value: `r${i}` })));
    await producer.close();
    assert.deepEqual(
      acks.map((m) => m.offset),
      Array.from({ length: 50 }, (_, i) => BigInt(i)),
    );
    assert.deepEqual(
      storedBatches(broker.dataDir, topic, 0).map((b) => [b.baseOffset, b.recordCount]),
      [[0n, 50]],
    );
  });

  it('a lone record waits for linger.ms before it is sent', async () => {
    const topic = 'linger-waits';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = producerFor(2000, 16_384);
    await producer.send({ topic, value: 'warm-up' }); // metadata and producer id out of the way
    const sent = performance.now();
    const ack = producer.send({ topic, value: 'lingers' });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(storedBatches(broker.dataDir, topic, 0).length, 1, 'only the warm-up is stored after 300 ms');
    assert.equal((await ack).offset, 1n);
    assert.ok(performance.now() - sent >= 1900, 'not sent before linger.ms');
    await producer.close();
    assert.equal(storedBatches(broker.dataDir, topic, 0).length, 2);
  });

  it('batch.size bounds a batch: many records at once are split into batches no larger than it', async () => {
    const topic = 'batch-size';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = producerFor(300, 1024);
    const value = (i: number) => `${i}:`.padEnd(100, 'x');
    await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send({ topic, value: value(i) })));
    await producer.close();
    const batches = storedBatches(broker.dataDir, topic, 0);
    assert.ok(batches.length >= 10, `${batches.length} batches for ~12 KB of records`);
    for (const b of batches) assert.ok(b.sizeBytes <= 1024, `a batch of ${b.sizeBytes} bytes exceeds batch.size`);
    for (const b of batches.slice(0, -1)) assert.ok(b.sizeBytes > 512, `batch of ${b.sizeBytes} bytes sent half empty`);
    assert.equal(
      batches.reduce((n, b) => n + b.recordCount, 0),
      100,
    );
    batches.forEach((b, i) => {
      if (i > 0) assert.equal(b.baseOffset, batches[i - 1]!.baseOffset + BigInt(batches[i - 1]!.recordCount));
    });
  });

  it('linger.ms 0 sends each record as soon as it is given', async () => {
    const topic = 'no-linger';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = producerFor(0, 16_384);
    for (let i = 0; i < 5; i++) await producer.send({ topic, value: `r${i}` });
    await producer.close();
    assert.deepEqual(
      storedBatches(broker.dataDir, topic, 0).map((b) => b.recordCount),
      [1, 1, 1, 1, 1],
    );
  });
});
