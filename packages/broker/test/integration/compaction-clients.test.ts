import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { kcat, type RunningBroker, removeDir, startBroker } from './harness.js';

const { Kafka, logLevel } = kafkajs;
const TOPIC = 'latest-prices';

interface Row {
  offset: bigint;
  key: string;
  value: string | null;
}

/** The whole partition from the beginning, read with kcat (librdkafka). */
async function readWithKcat(bootstrap: string): Promise<Row[]> {
  const r = await kcat([
    '-b',
    bootstrap,
    '-C',
    '-t',
    TOPIC,
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-q',
    '-Z',
    '-f',
    '%o|%k|%s\\n',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [offset, key, value] = line.split('|');
      return { offset: BigInt(offset), key, value: value === 'NULL' ? null : value };
    });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('log compaction seen by real clients', () => {
  let broker: RunningBroker;
  before(async () => {
    broker = await startBroker({ 'log.cleaner.backoff.ms': '100' });
  });
  after(async () => {
    await broker.stop();
    removeDir(broker.dataDir);
  });

  it('kafkajs creates a compacted topic and produces updates; kcat and kafkajs then read the latest value per key, with gaps, and tombstones go', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: TOPIC,
          numPartitions: 1,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'segment.bytes', value: '1024' },
            { name: 'segment.ms', value: '500' },
            { name: 'min.cleanable.dirty.ratio', value: '0.01' },
            { name: 'delete.retention.ms', value: '1500' },
          ],
        },
      ],
    });
    await admin.disconnect();
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    try {
      const latest = new Map<string, string>();
      for (let round = 0; round < 40; round++)
        for (const key of ['AAPL', 'MSFT', 'GOOG', 'ORCL']) {
          const value = `${key}@${100 + round}`;
          await producer.send({ topic: TOPIC, acks: -1, messages: [{ key, value, partition: 0 }] });
          latest.set(key, value);
        }
      await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'ORCL', value: null, partition: 0 }] });
      // A record without a key is refused by a compacted topic.
      await assert.rejects(
        producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'no key', partition: 0 }] }),
        (err: Error & { type?: string }) =>
          err.type === 'INVALID_RECORD' || /INVALID_RECORD|invalid/i.test(String(err)),
      );
      // Past segment.ms the next append rolls, so every update above is in a cleanable segment.
      await new Promise((r) => setTimeout(r, 700));
      await producer.send({ topic: TOPIC, acks: -1, messages: [{ key: 'marker', value: 'active', partition: 0 }] });
      const endOffset = 161n; // 160 updates, the tombstone at 160, the marker at 161

      const cleaned = await until(
        () => readWithKcat(broker.bootstrap),
        (rows) => rows.length <= 5 && rows.some((r) => r.key === 'marker'),
        'the cleaner to compact the topic',
      );
      const byKey = new Map(cleaned.map((r) => [r.key, r]));
      for (const key of ['AAPL', 'MSFT', 'GOOG']) assert.equal(byKey.get(key)?.value, latest.get(key), key);
      assert.equal(byKey.get('marker')?.offset, endOffset, 'the active segment is intact');
      for (let i = 1; i < cleaned.length; i++) assert.ok(cleaned[i].offset > cleaned[i - 1].offset);
      assert.deepEqual(
        cleaned.filter((r) => r.key !== 'ORCL').map((r) => r.offset),
        [156n, 157n, 158n, 161n],
        'each key keeps its last offset: the earlier ones are gaps',
      );

      // The tombstone itself goes once delete.retention.ms has passed since it was first cleaned.
      const final = await until(
        () => readWithKcat(broker.bootstrap),
        (rows) => !rows.some((r) => r.key === 'ORCL'),
        'the tombstone to be removed',
      );
      assert.deepEqual(
        final.map((r) => [r.offset, r.key, r.value]),
        [
          [156n, 'AAPL', 'AAPL@139'],
          [157n, 'MSFT', 'MSFT@139'],
          [158n, 'GOOG', 'GOOG@139'],
          [161n, 'marker', 'active'],
        ],
      );

      // kafkajs, from the beginning, sees the same records.
      const consumer = kafka.consumer({ groupId: 'compaction-reader', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      const seen: [bigint, string, string | null][] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push([BigInt(message.offset), message.key!.toString(), message.value?.toString() ?? null]);
        },
      });
      try {
        await until(
          async () => seen.length,
          (n) => n >= 4,
          'kafkajs to read the topic',
        );
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(
        seen,
        final.map((r) => [r.offset, r.key, r.value]),
      );
    } finally {
      await producer.disconnect();
    }
  });
});
