// What our producer writes with every codec, read by other clients through a
// real broker: kcat (librdkafka) and the Java client for all five, kafkajs for
// all five too (snappy and lz4 through the kafkajs-snappy / kafkajs-lz4
// plug-ins; kafkajs has no zstd, so a plug-in on libzstd is registered here
// as the protocol package's kafkajs test does). Keys, values, tombstones and
// headers (duplicated keys kept in order) must come back exactly.
// Snappy: the Java producer writes xerial framing (snappy-java's
// SnappyOutputStream), and so do we; the broker's log shows both.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { Admin, type CompressionName, Producer } from '../../src/index.js';
import { storedBatches } from './broker-log.js';
import { BrokerProcess } from './broker-process.js';
import { hasKcat, javaPeer, javaUnavailable, kcatLines } from './other-clients.js';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;
const require = createRequire(import.meta.url);
CompressionCodecs[CompressionTypes.Snappy] = require('kafkajs-snappy');
const LZ4Codec = require('kafkajs-lz4') as new () => { codec: () => unknown };
CompressionCodecs[CompressionTypes.LZ4] = new LZ4Codec().codec as never;
const { Encoder: ZstdEncoder, Decoder: ZstdDecoder } = require('@toondepauw/node-zstd') as {
  Encoder: new (level: number) => { encodeSync(b: Buffer): Buffer };
  Decoder: new () => { decodeSync(b: Buffer): Buffer };
};
CompressionCodecs[CompressionTypes.ZSTD] = (() => ({
  compress: async (encoder: { buffer: Buffer }) => new ZstdEncoder(3).encodeSync(encoder.buffer),
  decompress: async (buffer: Buffer) => new ZstdDecoder().decodeSync(buffer),
})) as never;

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const CODECS: CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const COUNT = 200;
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

interface Expected {
  key: string;
  value: string | null;
  headers: [string, string][];
}

function expected(codec: string, i: number): Expected {
  return {
    key: `key-${i}`,
    value: i % 50 === 49 ? null : `${codec} value ${i} `.repeat(1 + (i % 7)),
    headers: [
      ['n', String(i)],
      ['dup', 'first'],
      ['dup', `second-${codec}`],
    ],
  };
}

const topicOf = (codec: string) => `codec-${codec}`;

describe('records from our producer, every codec, read by kcat, kafkajs and Java', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start(undefined, ['group.initial.rebalance.delay.ms=0']);
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    for (const codec of CODECS) {
      await admin.createTopics([{ topic: topicOf(codec), numPartitions: 1 }]);
      const producer = new Producer<string, string | null>({
        bootstrapServers: broker.bootstrap,
        keySerializer: 'string',
        valueSerializer: 'string',
        compressionType: codec,
        lingerMs: 20,
        batchSize: 4096,
      });
      await Promise.all(
        Array.from({ length: COUNT }, (_, i) => {
          const e = expected(codec, i);
          return producer.send({
            topic: topicOf(codec),
            key: e.key,
            value: e.value,
            headers: e.headers.map(([key, value]) => ({ key, value })),
          });
        }),
      );
      await producer.close();
    }
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('the broker stored compressed batches of each codec (several records per batch)', () => {
    for (const [id, codec] of CODECS.entries()) {
      const batches = storedBatches(broker.dataDir, topicOf(codec), 0);
      assert.ok(batches.length > 1 && batches.length < COUNT, `${codec}: ${batches.length} batches`);
      for (const b of batches) assert.equal(b.compression, id, `${codec}: codec in the batch attributes`);
    }
  });

  it('kcat (librdkafka) reads keys, values, tombstones and headers for every codec', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    for (const codec of CODECS) {
      const lines = await kcatLines(broker.bootstrap, topicOf(codec), 0, '%k|%S|%s|%h');
      assert.deepEqual(
        lines,
        Array.from({ length: COUNT }, (_, i) => {
          const e = expected(codec, i);
          // %S is the value's length, -1 for null (then %s prints nothing).
          const size = e.value === null ? -1 : Buffer.byteLength(e.value);
          return `${e.key}|${size}|${e.value ?? ''}|${e.headers.map(([k, v]) => `${k}=${v}`).join(',')}`;
        }),
        codec,
      );
    }
  });

  it('kafkajs reads every codec (snappy, lz4 by its plug-ins, zstd by a libzstd plug-in)', async () => {
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'codecs', logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: 'codecs-kafkajs', maxWaitTimeInMs: 100 });
    const seen = new Map<string, Expected[]>(CODECS.map((c) => [topicOf(c), []]));
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: CODECS.map(topicOf), fromBeginning: true });
      let total = 0;
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`kafkajs read ${total} of ${COUNT * CODECS.length}`)), 60_000);
        void consumer.run({
          eachMessage: async ({ topic, message }) => {
            const headers: [string, string][] = [];
            for (const [k, v] of Object.entries(message.headers ?? {})) {
              for (const one of Array.isArray(v) ? v : [v]) headers.push([k, String(one)]);
            }
            seen.get(topic)!.push({
              key: message.key!.toString(),
              value: message.value === null ? null : message.value.toString(),
              headers,
            });
            if (++total === COUNT * CODECS.length) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
      await done;
    } finally {
      await consumer.disconnect();
    }
    for (const codec of CODECS) {
      // kafkajs groups headers by key (an object), so order across different keys is its own; compare sorted.
      const sortHeaders = (e: Expected) => ({ ...e, headers: [...e.headers].sort((a, b) => a[0].localeCompare(b[0])) });
      assert.deepEqual(
        seen.get(topicOf(codec))!.map(sortHeaders),
        Array.from({ length: COUNT }, (_, i) => sortHeaders(expected(codec, i))),
        codec,
      );
    }
  });

  it('the Java client reads every codec', async (t) => {
    const why = javaUnavailable();
    if (why) return t.skip(why);
    const dumped = await javaPeer<{
      records: { t: string; o: number; k: string | null; v: string | null; h: [string, string | null][] }[];
    }>(['dump', broker.bootstrap, ...CODECS.map(topicOf)]);
    const text = (hex: string | null) => (hex === null ? null : Buffer.from(hex, 'hex').toString('utf8'));
    for (const codec of CODECS) {
      const records = dumped.records.filter((r) => r.t === topicOf(codec)).sort((a, b) => a.o - b.o);
      assert.deepEqual(
        records.map((r) => ({ key: text(r.k), value: text(r.v), headers: r.h.map(([k, v]) => [k, text(v)]) })),
        Array.from({ length: COUNT }, (_, i) => expected(codec, i)),
        codec,
      );
    }
  });

  it('snappy is written with xerial framing, as the Java producer writes it', async (t) => {
    const ours = storedBatches(broker.dataDir, topicOf('snappy'), 0);
    for (const b of ours) assert.deepEqual(b.payload.subarray(0, 8), XERIAL_MAGIC, 'our snappy batches');
    const why = javaUnavailable();
    if (why) return t.skip(why);
    await admin.createTopics([{ topic: 'java-snappy', numPartitions: 1 }]);
    await javaPeer(['produce', broker.bootstrap, 'java-snappy', '100', 'snappy']);
    const java = storedBatches(broker.dataDir, 'java-snappy', 0);
    assert.ok(java.length > 0);
    for (const b of java) assert.deepEqual(b.payload.subarray(0, 8), XERIAL_MAGIC, "Java's snappy batches");
  });
});
