import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CompressionTypes, Kafka, logLevel, Partitioners } from 'kafkajs';
import { Admin, Consumer, partitionForKeyBytes, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';

const run = promisify(execFile);
const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

async function hasKcat(): Promise<boolean> {
  try {
    await run('kcat', ['-V']);
    return true;
  } catch {
    return false;
  }
}

async function pollUntil<K, V>(consumer: Consumer<K, V>, count: number) {
  const out = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) out.push(...(await consumer.poll(500)));
  return out;
}

describe('interoperability with kafkajs and librdkafka (kcat)', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;
  let kafkajs: Kafka;

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    kafkajs = new Kafka({ brokers: [broker.bootstrap], clientId: 'interop', logLevel: logLevel.NOTHING });
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('kcat reads what we produce (keys, values, headers, gzip) and kafkajs sees its offsets', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    // kafkajs can only consume through a consumer group, which the broker does not have yet.
    const topic = 'ours-to-others';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      compressionType: 'gzip',
    });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        producer.send({ topic, key: `k${i}`, value: `v${i}`, headers: { n: String(i) } }),
      ),
    );
    await producer.close();
    const { stdout } = await run(
      'kcat',
      ['-C', '-b', broker.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-f', '%o %k=%s %h\\n'],
      {
        timeout: 15_000,
      },
    );
    assert.deepEqual(
      stdout.trim().split('\n'),
      Array.from({ length: 50 }, (_, i) => `${i} k${i}=v${i} n=${i}`),
    );
    const kadmin = kafkajs.admin();
    await kadmin.connect();
    const offsets = await kadmin.fetchTopicOffsets(topic);
    await kadmin.disconnect();
    assert.deepEqual(
      offsets.map((o) => [o.partition, o.low, o.high]),
      [[0, '0', '50']],
    );
  });

  it('we read what kafkajs produces (keys, values, headers, none and gzip)', async () => {
    const topic = 'kafkajs-to-ours';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const producer = kafkajs.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
      await producer.send({
        topic,
        compression,
        messages: Array.from({ length: 20 }, (_, i) => ({
          key: `k${i}`,
          value: `v${compression}-${i}`,
          headers: { codec: String(compression) },
          timestamp: String(1_600_000_000_000 + i),
        })),
      });
    }
    await producer.disconnect();
    const consumer = new Consumer<string, string>({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      keyDeserializer: 'string',
      valueDeserializer: 'string',
    });
    consumer.assign([{ topic, partition: 0 }]);
    const records = await pollUntil(consumer, 40);
    await consumer.close();
    assert.equal(records.length, 40);
    records.forEach((r, n) => {
      const compression = n < 20 ? CompressionTypes.None : CompressionTypes.GZIP;
      assert.equal(r.offset, BigInt(n));
      assert.equal(r.key, `k${n % 20}`);
      assert.equal(r.value, `v${compression}-${n % 20}`);
      assert.equal(r.timestamp, BigInt(1_600_000_000_000 + (n % 20)));
      assert.equal(r.headers[0]?.key, 'codec');
      assert.equal(r.headers[0]?.value?.toString(), String(compression));
    });
  });

  it('puts a key on the same partition as kafkajs (Java-compatible murmur2)', async () => {
    const topic = 'same-partition';
    await admin.createTopics([{ topic, numPartitions: 7 }]);
    const keys = Array.from({ length: 60 }, (_, i) => `user-${i * 7919}`);
    const producer = kafkajs.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const theirs = await producer.send({ topic, messages: keys.map((key) => ({ key, value: 'x' })) });
    await producer.disconnect();
    const ours = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
    });
    const placed = await Promise.all(keys.map((key) => ours.send({ topic, key, value: 'y' })));
    await ours.close();
    // kafkajs answers per partition; rebuild its key -> partition map by reading the topic back.
    const consumer = new Consumer<string, string>({
      bootstrapServers: broker.bootstrap,
      autoOffsetReset: 'earliest',
      keyDeserializer: 'string',
      valueDeserializer: 'string',
    });
    consumer.assign(Array.from({ length: 7 }, (_, partition) => ({ topic, partition })));
    const records = await pollUntil(consumer, 120);
    await consumer.close();
    assert.equal(theirs.length > 1, true, 'keys spread over several partitions');
    const kafkajsPartition = new Map(records.filter((r) => r.value === 'x').map((r) => [r.key, r.partition]));
    keys.forEach((key, i) => {
      assert.equal(placed[i]!.partition, kafkajsPartition.get(key), key);
      assert.equal(placed[i]!.partition, partitionForKeyBytes(Buffer.from(key), 7));
    });
  });

  it('librdkafka (kcat) and we read each other with snappy, lz4 and zstd', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
      const topic = `kcat-${codec}`;
      await admin.createTopics([{ topic, numPartitions: 1 }]);
      const input = Array.from({ length: 30 }, (_, i) => `k${i}:kcat-${codec}-${i}`).join('\n');
      const kcat = execFile('kcat', ['-P', '-b', broker.bootstrap, '-t', topic, '-K:', '-z', codec, '-p', '0']);
      kcat.stdin!.end(`${input}\n`);
      await new Promise<void>((resolve, reject) =>
        kcat.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}`)))),
      );
      const producer = new Producer<string, string>({
        bootstrapServers: broker.bootstrap,
        keySerializer: 'string',
        valueSerializer: 'string',
        compressionType: codec,
      });
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => producer.send({ topic, key: `o${i}`, value: `ours-${codec}-${i}` })),
      );
      await producer.close();
      const consumer = new Consumer<string, string>({
        bootstrapServers: broker.bootstrap,
        autoOffsetReset: 'earliest',
        keyDeserializer: 'string',
        valueDeserializer: 'string',
      });
      consumer.assign([{ topic, partition: 0 }]);
      const ours = await pollUntil(consumer, 60);
      await consumer.close();
      assert.deepEqual(
        ours.slice(0, 30).map((r) => `${r.key}:${r.value}`),
        input.split('\n'),
      );
      const { stdout } = await run(
        'kcat',
        ['-C', '-b', broker.bootstrap, '-t', topic, '-o', '30', '-e', '-f', '%k=%s\\n'],
        {
          timeout: 15_000,
        },
      );
      assert.deepEqual(
        stdout.trim().split('\n'),
        Array.from({ length: 30 }, (_, i) => `o${i}=ours-${codec}-${i}`),
      );
    }
  });
});
