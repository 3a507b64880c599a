#!/usr/bin/env node
// Producer and consumer throughput of Fluxo's client against kafkajs,
// @platformatic/kafka and librdkafka on one Fluxo broker (started here as a child process), in one run.
//
//   node bench/client.mjs [--quick] [--records N] [--runs N] [--only produce|consume] [--clients a,b]
//
// --only consume fills one topic with the Fluxo producer (untimed) and runs only the consumers;
// --clients keeps the cases whose client name starts with one of the given words (e.g. fluxo,kafkajs).
// Needs `npm run build` (packages/cli and packages/client). Writes bench/out/client.md (copy the table into bench/RESULTS.md).
// Each case runs RUNS times on a fresh topic; the table shows the median.
// librdkafka produces through bench/rdkafka-perf.c (compiled here: Debian librdkafka-dev and a C compiler),
// or, when that cannot be built, through python3's confluent_kafka (Debian python3-confluent-kafka).
// Consumers: every client reads the same filled topic from the beginning; the
// "group" rows join a fresh consumer group (one member, timed from subscribe to
// the last record, so the join is included), kcat (librdkafka) reads by assignment.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Consumer as PlatformaticConsumer, Producer as PlatformaticProducer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { Admin, Consumer, Producer } from '@fluxo/client';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const quick = process.argv.includes('--quick');
const option = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const RECORDS = Number(option('--records') ?? (quick ? 50_000 : 200_000));
const VALUE_BYTES = 100;
const RUNS = Number(option('--runs') ?? (quick ? 1 : 3));
const ONLY = option('--only') ?? null;
const CLIENTS = option('--clients')?.split(',') ?? null;
if (ONLY !== null && ONLY !== 'produce' && ONLY !== 'consume') throw new Error('--only takes produce or consume');
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(RECORDS) || RECORDS < 1) {
  throw new Error('--runs and --records take positive integers');
}
const wanted = (name) => CLIENTS === null || CLIENTS.some((c) => name.startsWith(c));
const WINDOW = 10_000; // records outstanding per client at a time
const CHUNK = 1000; // records per send() call for the batch-oriented clients
const run = promisify(execFile);
let groupNo = 0;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function startBroker() {
  const dataDir = mkdtempSync(join(tmpdir(), 'fluxo-bench-client-'));
  const child = spawn(
    process.execPath,
    [
      join(root, 'packages/cli/dist/src/main.js'),
      'start',
      '--override',
      `log.dirs=${dataDir}`,
      '--override',
      'listeners=PLAINTEXT://127.0.0.1:0',
      // A one-member group need not wait for others before its first rebalance.
      '--override',
      'group.initial.rebalance.delay.ms=0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start:\n${out}`));
    }, 20_000);
    const onData = (c) => {
      out += c;
      const m = /listener=PLAINTEXT:\/\/[^:\s]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  child.stdout.resume();
  child.stderr.resume();
  return { child, dataDir, bootstrap: `127.0.0.1:${port}` };
}

const value = Buffer.alloc(VALUE_BYTES, 'x');
const KEYS = 1000;
const perf = join(here, 'out', 'rdkafka-perf');

/** Builds bench/out/rdkafka-perf when missing or older than its source; false when it cannot be built. */
function buildPerfTool() {
  const source = join(here, 'rdkafka-perf.c');
  if (existsSync(perf) && statSync(perf).mtimeMs >= statSync(source).mtimeMs) return true;
  mkdirSync(join(here, 'out'), { recursive: true });
  try {
    execFileSync('cc', ['-O2', '-o', perf, source, '-lrdkafka', '-lpthread'], { stdio: 'pipe' });
    return true;
  } catch (err) {
    process.stderr.write(
      `rdkafka-perf not built (${String(err.stderr ?? err).split('\n')[0]}); librdkafka via python3\n`,
    );
    return false;
  }
}

/** The same workload through python3's confluent_kafka (librdkafka underneath), timed inside Python. */
const pythonProducer = (bootstrap, topic) => `
import json, time
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': '${bootstrap}', 'acks': 'all', 'linger.ms': 5, 'batch.size': 65536,
              'enable.idempotence': True, 'partitioner': 'murmur2_random', 'queue.buffering.max.kbytes': 1048576})
value = b'x' * ${VALUE_BYTES}
failed = [0]
def on_delivery(err, msg):
    if err is not None: failed[0] += 1
t0 = time.monotonic()
for i in range(${RECORDS}):
    while True:
        try:
            p.produce('${topic}', key=('key-%d' % (i % ${KEYS})).encode(), value=value, on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.01)
    if i % 1000 == 0: p.poll(0)
left = p.flush(120)
print(json.dumps({'seconds': time.monotonic() - t0, 'left': left, 'failed': failed[0]}))
`;
const key = (i) => `key-${i % KEYS}`;

const PRODUCERS = {
  fluxo: async (bootstrap, topic) => {
    const producer = new Producer({
      bootstrapServers: bootstrap,
      keySerializer: 'string',
      lingerMs: 5,
      batchSize: 65_536,
    });
    const t0 = performance.now();
    for (let start = 0; start < RECORDS; start += WINDOW) {
      const sends = [];
      for (let i = start; i < Math.min(RECORDS, start + WINDOW); i++)
        sends.push(producer.send({ topic, key: key(i), value }));
      await Promise.all(sends);
    }
    const ms = performance.now() - t0;
    await producer.close();
    return ms;
  },
  kafkajs: async (bootstrap, topic) => {
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const t0 = performance.now();
    for (let start = 0; start < RECORDS; start += WINDOW) {
      const sends = [];
      for (let c = start; c < Math.min(RECORDS, start + WINDOW); c += CHUNK) {
        const messages = [];
        for (let i = c; i < Math.min(RECORDS, c + CHUNK); i++) messages.push({ key: key(i), value });
        sends.push(producer.send({ topic, messages }));
      }
      await Promise.all(sends);
    }
    const ms = performance.now() - t0;
    await producer.disconnect();
    return ms;
  },
  // Keyed like the others (murmur2 as the Java client), acks=all, idempotent (its default is off), linger.ms=5,
  // batch.size=65536: the settings the Fluxo producer runs with here.
  librdkafka: async (bootstrap, topic) => {
    if (buildPerfTool()) {
      const args = ['produce', '-b', bootstrap, '-t', topic, '-n', String(RECORDS), '-s', String(VALUE_BYTES)];
      args.push('-a', 'all', '-l', '5', '-k', String(KEYS), '-i', '-B', '65536');
      const { stdout } = await run(perf, args, { maxBuffer: 1 << 20 });
      const result = JSON.parse(stdout.trim().split('\n').at(-1));
      if (result.records !== RECORDS || result.failed !== 0) throw new Error(`rdkafka-perf: ${stdout}`);
      return result.seconds * 1000;
    }
    const { stdout } = await run('/usr/bin/python3', ['-c', pythonProducer(bootstrap, topic)], { maxBuffer: 1 << 20 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    if (result.left !== 0 || result.failed !== 0) throw new Error(`confluent_kafka: ${stdout}`);
    return result.seconds * 1000;
  },
  platformatic: async (bootstrap, topic) => {
    const producer = new PlatformaticProducer({ clientId: 'bench', bootstrapBrokers: [bootstrap] });
    const t0 = performance.now();
    for (let start = 0; start < RECORDS; start += WINDOW) {
      const sends = [];
      for (let c = start; c < Math.min(RECORDS, start + WINDOW); c += CHUNK) {
        const messages = [];
        for (let i = c; i < Math.min(RECORDS, c + CHUNK); i++)
          messages.push({ topic, key: Buffer.from(key(i)), value });
        sends.push(producer.send({ messages }));
      }
      await Promise.all(sends);
    }
    const ms = performance.now() - t0;
    await producer.close();
    return ms;
  },
};

const CONSUMERS = {
  'fluxo (assign)': async (bootstrap, topic, partitions) => {
    const consumer = new Consumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest', maxPollRecords: 5000 });
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const t0 = performance.now();
    let n = 0;
    while (n < RECORDS) n += (await consumer.poll(1000)).length;
    const ms = performance.now() - t0;
    await consumer.close();
    return ms;
  },
  'fluxo (group)': async (bootstrap, topic) => {
    const consumer = new Consumer({
      bootstrapServers: bootstrap,
      groupId: `bench-fluxo-${groupNo++}`,
      autoOffsetReset: 'earliest',
      maxPollRecords: 5000,
    });
    const t0 = performance.now();
    consumer.subscribe([topic]);
    let n = 0;
    while (n < RECORDS) n += (await consumer.poll(1000)).length;
    const ms = performance.now() - t0;
    await consumer.close();
    return ms;
  },
  'kafkajs (group)': async (bootstrap, topic) => {
    const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `bench-kafkajs-${groupNo++}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    const t0 = performance.now();
    await consumer.subscribe({ topic, fromBeginning: true });
    let n = 0;
    let done;
    const finished = new Promise((resolve) => {
      done = resolve;
    });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= RECORDS) done();
      },
    });
    await finished;
    const ms = performance.now() - t0;
    await consumer.disconnect();
    return ms;
  },
  'platformatic (group)': async (bootstrap, topic) => {
    const consumer = new PlatformaticConsumer({
      groupId: `bench-platformatic-${groupNo++}`,
      clientId: 'bench',
      bootstrapBrokers: [bootstrap],
      maxWaitTime: 100,
    });
    const t0 = performance.now();
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false });
    let n = 0;
    for await (const _ of stream) {
      if (++n >= RECORDS) break;
    }
    const ms = performance.now() - t0;
    await stream.close();
    await consumer.close(true);
    return ms;
  },
  'kcat (librdkafka)': async (bootstrap, topic) => {
    const t0 = performance.now();
    await run('kcat', ['-C', '-b', bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\\n'], {
      maxBuffer: 1 << 28,
    });
    return performance.now() - t0;
  },
};

async function main() {
  process.stderr.write(`starting broker\n`);
  const broker = await startBroker();
  process.stderr.write(`broker at ${broker.bootstrap}\n`);
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  const partitions = 4;
  const rows = [];
  let topicNo = 0;
  let filledTopic = null;
  try {
    if (ONLY === 'consume') {
      filledTopic = `bench-produce-${topicNo++}`;
      await admin.createTopics([{ topic: filledTopic, numPartitions: partitions }]);
      await PRODUCERS.fluxo(broker.bootstrap, filledTopic);
    }
    for (const [name, produce] of Object.entries(PRODUCERS)) {
      if (ONLY === 'consume' || !wanted(name)) continue;
      const times = [];
      for (let r = 0; r < RUNS; r++) {
        const topic = `bench-produce-${topicNo++}`;
        await admin.createTopics([{ topic, numPartitions: partitions }]);
        times.push(await produce(broker.bootstrap, topic));
        filledTopic ??= topic;
      }
      rows.push(['produce', name, times]);
      process.stderr.write(`produce ${name}: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
    }
    for (const [name, consume] of Object.entries(CONSUMERS)) {
      if (ONLY === 'produce' || !wanted(name)) continue;
      if (filledTopic === null) {
        filledTopic = `bench-produce-${topicNo++}`;
        await admin.createTopics([{ topic: filledTopic, numPartitions: partitions }]);
        await PRODUCERS.fluxo(broker.bootstrap, filledTopic);
      }
      const times = [];
      for (let r = 0; r < RUNS; r++) times.push(await consume(broker.bootstrap, filledTopic, partitions));
      rows.push(['consume', name, times]);
      process.stderr.write(`consume ${name}: ${times.map((t) => t.toFixed(0)).join(', ')} ms\n`);
    }
  } finally {
    await admin.close();
    broker.child.kill('SIGKILL');
    rmSync(broker.dataDir, { recursive: true, force: true });
  }
  const mb = (RECORDS * VALUE_BYTES) / 1e6;
  const lines = [
    '# Client throughput (Fluxo client vs kafkajs vs @platformatic/kafka vs librdkafka)',
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}. Command: \`node bench/client.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}\`, ${new Date().toISOString()}.`,
    `One single-node Fluxo broker (child process, same machine), topic of ${partitions} partitions, ${RECORDS.toLocaleString('en')} records of ${VALUE_BYTES} B value + ~8 B key, acks=all, no compression; median of ${RUNS} run(s).`,
    `Producers keep ${WINDOW.toLocaleString('en')} records outstanding; kafkajs and @platformatic/kafka get them as send() calls of ${CHUNK} records, Fluxo as one send() per record (batched by linger.ms=5, batch.size=65536). librdkafka (${existsSync(perf) ? 'bench/rdkafka-perf.c' : "python3's confluent_kafka"}) gets one produce() per record, keyed with its murmur2 partitioner, idempotent, linger.ms=5, batch.size=65536, its own queue limit instead of the window.`,
    'Consumers read the filled topic from the beginning: "group" rows join a fresh one-member group (time includes the join; broker group.initial.rebalance.delay.ms=0), fluxo (assign) and kcat (librdkafka) read by assignment.',
    '',
    "Ratios: the other client's median time over this row's (same case: produce or consume), so above 1 means this row is faster than kafkajs / @platformatic/kafka.",
    '',
    '| case | client | median ms | vs kafkajs | vs platformatic | records/s | MB/s (values) | runs (ms) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(([kind, name, times]) => {
      const m = median(times);
      const ratio = (prefix) => {
        const other = rows.find(([k, n]) => k === kind && n.startsWith(prefix));
        return other === undefined ? '—' : (median(other[2]) / m).toFixed(2);
      };
      return `| ${kind} | ${name} | ${m.toFixed(0)} | ${ratio('kafkajs')} | ${ratio('platformatic')} | ${Math.round((RECORDS * 1000) / m).toLocaleString('en')} | ${((mb * 1000) / m).toFixed(1)} | ${times.map((t) => t.toFixed(0)).join(', ')} |`;
    }),
    '',
  ];
  mkdirSync(join(here, 'out'), { recursive: true });
  writeFileSync(join(here, 'out', 'client.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

await main();
