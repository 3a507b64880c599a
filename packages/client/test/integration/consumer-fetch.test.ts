import assert from 'node:assert/strict';
import { openSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiKey } from '@fluxo/protocol';
import { Kafka, logLevel } from 'kafkajs';
import {
  Admin,
  Consumer,
  CorruptRecordError,
  type ConsumerRecord,
  Producer,
  RecordDeserializationError,
} from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { KafkaProxy } from './kafka-proxy.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const WAIT_MS = 20_000;

/** Polls `check` until it holds or WAIT_MS passes (then fails with `what`). */
async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!check()) {
    if (performance.now() > deadline) assert.fail(`not within ${WAIT_MS} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Polls until `count` records came, failing on any error or after WAIT_MS. */
async function pollRecords<K, V>(
  consumer: Consumer<K, V>,
  count: number,
  work: () => Promise<void> = async () => {},
): Promise<ConsumerRecord<K, V>[]> {
  const out: ConsumerRecord<K, V>[] = [];
  const deadline = performance.now() + WAIT_MS;
  while (out.length < count) {
    if (performance.now() > deadline) assert.fail(`only ${out.length} of ${count} records within ${WAIT_MS} ms`);
    out.push(...(await consumer.poll(500)));
    await work();
  }
  return out;
}

/** Polls until poll() throws; returns what it threw. */
async function pollError(consumer: Consumer<unknown, unknown>): Promise<unknown> {
  const deadline = performance.now() + WAIT_MS;
  while (performance.now() < deadline) {
    try {
      const records = await consumer.poll(500);
      assert.deepEqual(records, [], 'no record may come past the failing one');
    } catch (err) {
      return err;
    }
  }
  return assert.fail(`poll() did not throw within ${WAIT_MS} ms`);
}

describe('consumer fetching: pipelining, poll limits, corrupt batches, deserializer errors', { skip }, () => {
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

  /** Writes each group of values as one batch (kafkajs sends one send()'s messages as one), so batch boundaries are known. */
  async function produceBatches(topic: string, batches: readonly (readonly string[])[]): Promise<void> {
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      for (const values of batches) {
        await producer.send({ topic, messages: values.map((v) => ({ partition: 0, value: v })) });
      }
    } finally {
      await producer.disconnect();
    }
  }

  it('sends the next fetch as an answer arrives, before the application polls again, and stops when buffers are full', async () => {
    const topic = 'pipelined';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    // Batches of about 1 KiB (batchSize); a fetch of max.partition.fetch.bytes = 4 KiB takes three or four.
    const producer = new Producer({ bootstrapServers: broker.bootstrap, batchSize: 1024, lingerMs: 0 });
    const value = Buffer.alloc(100, 'v');
    await Promise.all(Array.from({ length: 2000 }, () => producer.send({ topic, partition: 0, value })));
    await producer.close();
    const proxy = await KafkaProxy.start(broker.port);
    const consumer = new Consumer({
      bootstrapServers: proxy.bootstrap,
      autoOffsetReset: 'earliest',
      maxPollRecords: 5,
      maxPartitionFetchBytes: 4096,
    });
    try {
      consumer.assign([{ topic, partition: 0 }]);
      const fetches = () => proxy.stats.requests.get(ApiKey.Fetch) ?? 0;
      const first = await consumer.poll(WAIT_MS);
      assert.equal(first.length, 5, 'max.poll.records');
      // The first answer holds far more than one poll's worth, yet less than 4 KiB: the next fetch goes out
      // without waiting for the application to work through it.
      await eventually('a second Fetch without another poll', () => fetches() >= 2);
      const sent = fetches();
      // With about two answers buffered the partition is full: no more fetches until the application drains it.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(fetches(), sent, 'fetching stops while the partition holds max.partition.fetch.bytes');
      const rest = await pollRecords(consumer, 1995);
      assert.deepEqual(
        [...first, ...rest].map((r) => r.offset),
        Array.from({ length: 2000 }, (_, i) => BigInt(i)),
      );
      assert.ok(fetches() > 10, `the partition was fetched in small steps (${fetches()} fetches)`);
    } finally {
      await consumer.close();
      await proxy.close();
    }
  });

  it('never parks a fetch of caught-up partitions at the broker while another partition waits for its buffer to drain', async () => {
    const topic = 'uneven';
    await admin.createTopics([{ topic, numPartitions: 2 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap, batchSize: 1024, lingerMs: 0 });
    const value = Buffer.alloc(100, 'v');
    await Promise.all(Array.from({ length: 3000 }, () => producer.send({ topic, partition: 1, value })));
    await producer.close();
    // Partition 0 stays empty: a fetch of it alone waits fetch.max.wait.ms (60 s) at the broker, and partition 1,
    // full while that fetch is out, could not be fetched until it came back.
    const consumer = new Consumer({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      maxPollRecords: 5,
      maxPartitionFetchBytes: 4096,
      fetchMaxWaitMs: 60_000,
      requestTimeoutMs: 120_000,
    });
    try {
      consumer.assign([
        { topic, partition: 0 },
        { topic, partition: 1 },
      ]);
      const started = performance.now();
      // The application works a little after each poll, so answers come faster than it drains them.
      const records = await pollRecords(consumer, 3000, () => new Promise((r) => setTimeout(r, 1)));
      // One parked fetch would take 60 s; reading 3000 records takes a few seconds at most.
      assert.ok(performance.now() - started < 15_000, `took ${Math.round(performance.now() - started)} ms`);
      assert.deepEqual(
        records.map((r) => r.offset),
        Array.from({ length: 3000 }, (_, i) => BigInt(i)),
      );
    } finally {
      await consumer.close();
    }
  });

  it('poll(timeout) returns as soon as records are buffered, never more than max.poll.records', async () => {
    const topic = 'prompt';
    await produceBatches(topic, [Array.from({ length: 30 }, (_, i) => `r${i}`)]);
    const consumer = new Consumer({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      maxPollRecords: 7,
    });
    try {
      consumer.assign([{ topic, partition: 0 }]);
      const sizes: number[] = [];
      const started = performance.now();
      while (sizes.reduce((a, b) => a + b, 0) < 30) sizes.push((await consumer.poll(60_000)).length);
      // A poll that waited for its timeout would take a minute; the bound is generous for a loaded machine.
      assert.ok(performance.now() - started < 15_000, 'poll returned without waiting for its timeout');
      assert.deepEqual(sizes, [7, 7, 7, 7, 2]);
    } finally {
      await consumer.close();
    }
  });

  it("a batch corrupted in the broker's log: the records before it, then CorruptRecordError at every poll until a seek past it", async () => {
    const topic = 'corrupt';
    await produceBatches(topic, [
      ['a0', 'a1', 'a2'],
      ['b3', 'b4', 'b5'],
      ['c6', 'c7'],
    ]);
    // Flip a byte of the second batch's last value on disk (the broker serves fetches from the file).
    const fd = openSync(join(broker.dataDir, `${topic}-0`, '00000000000000000000.log'), 'r+');
    try {
      const head = Buffer.alloc(12);
      readSync(fd, head, 0, 12, 0);
      const secondAt = 12 + head.readInt32BE(8);
      readSync(fd, head, 0, 12, secondAt);
      assert.equal(head.readBigInt64BE(0), 3n, 'the second batch starts at offset 3');
      const lastValueByte = secondAt + 12 + head.readInt32BE(8) - 2; // the record ends with its header count
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, lastValueByte);
      assert.equal(byte.toString(), '5');
      writeSync(fd, Buffer.from('X'), 0, 1, lastValueByte);
    } finally {
      closeSync(fd);
    }
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap, autoOffsetReset: 'earliest' });
    try {
      const tp = { topic, partition: 0 };
      consumer.assign([tp]);
      const before = await pollRecords(consumer, 3);
      assert.deepEqual(
        before.map((r) => r.value!.toString()),
        ['a0', 'a1', 'a2'],
      );
      for (let i = 0; i < 2; i++) {
        const err = await pollError(consumer);
        assert.ok(err instanceof CorruptRecordError, `expected CorruptRecordError, got ${String(err)}`);
        assert.equal(err.code, 2, 'CORRUPT_MESSAGE');
        assert.deepEqual([err.topic, err.partition, err.offset, err.lastOffset], [topic, 0, 3n, 5n]);
        assert.match(err.message, /corrupt-0 at offset 3 .*CRC32C.*seek to 6/);
      }
      assert.equal(await consumer.position(tp), 3n, 'the position stays at the corrupt batch');
      consumer.seek(tp, 6n);
      const after = await pollRecords(consumer, 2);
      assert.deepEqual(
        after.map((r) => [r.offset, r.value!.toString()]),
        [
          [6n, 'c6'],
          [7n, 'c7'],
        ],
      );
    } finally {
      await consumer.close();
    }
  });

  it('a value the deserializer rejects: the records before it, then RecordDeserializationError until a seek past it', async () => {
    const topic = 'undecodable';
    await produceBatches(topic, [['1', '2', '{oops', '4'], ['5']]);
    const consumer = new Consumer<Buffer | null, unknown>({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      valueDeserializer: 'json',
    });
    try {
      const tp = { topic, partition: 0 };
      consumer.assign([tp]);
      const before = await pollRecords(consumer, 2);
      assert.deepEqual(
        before.map((r) => r.value),
        [1, 2],
      );
      for (let i = 0; i < 2; i++) {
        const err = await pollError(consumer);
        assert.ok(err instanceof RecordDeserializationError, `expected RecordDeserializationError, got ${String(err)}`);
        assert.deepEqual([err.topic, err.partition, err.offset, err.origin], [topic, 0, 2n, 'value']);
        assert.ok(err.cause instanceof SyntaxError);
        assert.match(err.message, /value for partition undecodable-0 at offset 2/);
      }
      assert.equal(await consumer.position(tp), 2n);
      consumer.seek(tp, 3n);
      const after = await pollRecords(consumer, 2);
      assert.deepEqual(
        after.map((r) => [r.offset, r.value]),
        [
          [3n, 4],
          [4n, 5],
        ],
      );
    } finally {
      await consumer.close();
    }
  });
});
