import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, Consumer, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const topic = 'events';

describe('consumer (manual assignment) against a Fluxo broker', { skip }, () => {
  let broker: BrokerProcess;

  before(async () => {
    broker = await BrokerProcess.start();
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ topic, numPartitions: 2 }]);
    await admin.close();
    const producer = new Producer<null, number>({ bootstrapServers: broker.bootstrap, valueSerializer: 'integer' });
    await Promise.all(Array.from({ length: 100 }, (_, i) => producer.send({ topic, value: i, partition: i % 2 })));
    await producer.close();
  });
  after(async () => {
    await broker?.stop();
  });

  function consumer(extra: { autoOffsetReset?: 'earliest' | 'latest' | 'none'; maxPollRecords?: number } = {}) {
    return new Consumer<Buffer, number>({ bootstrapServers: broker.bootstrap, valueDeserializer: 'integer', ...extra });
  }

  it('starts at the end with autoOffsetReset latest and sees only new records', async () => {
    const c = consumer({ autoOffsetReset: 'latest' });
    c.assign([{ topic, partition: 0 }]);
    assert.equal(await c.position({ topic, partition: 0 }), 50n);
    assert.deepEqual(await c.poll(200), []);
    const producer = new Producer<null, number>({ bootstrapServers: broker.bootstrap, valueSerializer: 'integer' });
    await producer.send({ topic, value: 1000, partition: 0 });
    await producer.close();
    const records = await c.poll(5000);
    assert.deepEqual(
      records.map((r) => [r.offset, r.value]),
      [[50n, 1000]],
    );
    assert.equal(await c.position({ topic, partition: 0 }), 51n);
    await c.close();
  });

  it('seeks, seeks to beginning and end, and reports positions', async () => {
    const c = consumer({ autoOffsetReset: 'none', maxPollRecords: 5 });
    c.assign([{ topic, partition: 1 }]);
    await assert.rejects(c.poll(100), { name: 'OFFSET_OUT_OF_RANGE' });
    c.seek({ topic, partition: 1 }, 10n);
    const first = await c.poll(5000);
    assert.deepEqual(
      first.map((r) => r.offset),
      [10n, 11n, 12n, 13n, 14n],
    );
    assert.deepEqual(
      first.map((r) => r.value),
      [21, 23, 25, 27, 29],
    );
    c.seekToBeginning();
    assert.equal((await c.poll(5000))[0]!.offset, 0n);
    c.seekToEnd();
    assert.equal(await c.position({ topic, partition: 1 }), 50n);
    await c.close();
  });

  it('pauses and resumes partitions', async () => {
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([
      { topic, partition: 0 },
      { topic, partition: 1 },
    ]);
    c.pause([{ topic, partition: 0 }]);
    const seen = new Set<number>();
    for (let i = 0; i < 5; i++) for (const r of await c.poll(300)) seen.add(r.partition);
    assert.deepEqual([...seen], [1]);
    assert.deepEqual(c.paused(), [{ topic, partition: 0 }]);
    c.resume([{ topic, partition: 0 }]);
    let gotPartition0 = false;
    for (let i = 0; i < 10 && !gotPartition0; i++) gotPartition0 = (await c.poll(500)).some((r) => r.partition === 0);
    assert.ok(gotPartition0);
    await c.close();
  });

  it('iterates records with for await', async () => {
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic, partition: 0 }]);
    const values: number[] = [];
    for await (const record of c) {
      values.push(record.value!);
      if (values.length === 50) break;
    }
    await c.close();
    assert.deepEqual(
      values,
      Array.from({ length: 50 }, (_, i) => i * 2),
    );
  });

  it('says clearly that subscribe needs a group id', () => {
    const c = consumer();
    assert.throws(() => c.subscribe([topic]), { name: 'CONFIG_EXCEPTION', message: /group id/ });
    void c.close();
  });
});
