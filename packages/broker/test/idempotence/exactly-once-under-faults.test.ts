import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKey } from '@fluxo/protocol';
import kafkajs from 'kafkajs';
import { kcat, python, removeDir, startBroker } from '../integration/harness.js';
import { FaultProxy, type FaultStats } from './fault-proxy.js';

const { Kafka, logLevel } = kafkajs;

const PARTITIONS = 4;
/** Override with FLUXO_FAULT_SEED to replay or explore; a failure message names the seed. */
const SEED = Number(process.env.FLUXO_FAULT_SEED ?? 4_052_026);

/** librdkafka's idempotent producer, retrying through every fault until everything is acknowledged. */
const producerScript = (records: number) => `
import json
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
admin = AdminClient({'bootstrap.servers': BOOTSTRAP})
admin.create_topics([NewTopic('faults', ${PARTITIONS}, 1)])['faults'].result()
errors = []
acked = [0]
def on_delivery(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        acked[0] += 1
p = Producer({
    'bootstrap.servers': BOOTSTRAP,
    'enable.idempotence': True,
    'linger.ms': 2,
    'batch.num.messages': 400,
    'message.timeout.ms': 120000,
    'retry.backoff.ms': 10,
    'reconnect.backoff.ms': 10,
    'reconnect.backoff.max.ms': 100,
})
for i in range(${records}):
    while True:
        try:
            p.produce('faults', key=f'k{i}', value=str(i), on_delivery=on_delivery)
            break
        except BufferError:
            p.poll(0.05)
    p.poll(0)
left = p.flush(90)
print(json.dumps({'left': left, 'acked': acked[0], 'errors': errors[:5]}))
`;

interface Outcome {
  readonly stats: FaultStats;
  /** How often each record i is stored. */
  readonly copies: Uint8Array;
  /** Places where a partition holds a record after a later one. */
  readonly outOfOrder: number;
}

/** Drives a client through the proxy at `bootstrap` until all `records` are acknowledged. */
type ProducerRun = (bootstrap: string, records: number) => Promise<void>;

async function librdkafkaProducer(bootstrap: string, records: number): Promise<void> {
  const run = await python(bootstrap, producerScript(records), 120_000);
  assert.equal(run.code, 0, `seed ${SEED}: ${run.stderr}`);
  const summary = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(summary, { left: 0, acked: records, errors: [] }, `seed ${SEED}`);
}

/** kafkajs's idempotent producer (one request in flight), sending 500-record batches with retries. */
async function kafkajsProducer(bootstrap: string, records: number): Promise<void> {
  const kafka = new Kafka({
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 30, initialRetryTime: 10, maxRetryTime: 200 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'faults', numPartitions: PARTITIONS }] });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let from = 0; from < records; from += 500)
    await producer.send({
      topic: 'faults',
      acks: -1,
      messages: Array.from({ length: Math.min(500, records - from) }, (_, j) => ({
        key: `k${from + j}`,
        value: String(from + j),
      })),
    });
  await producer.disconnect();
}

/** Produces `records` keyed records through the fault proxy, then reads every partition back from the broker. */
async function produceThroughFaults(
  records: number,
  settings: Record<string, string> = {},
  producer: ProducerRun = librdkafkaProducer,
): Promise<Outcome> {
  const proxy = await FaultProxy.start({
    seed: SEED,
    dropResponseProbability: 0.06,
    cutProbability: 0.03,
    faultyApiKeys: new Set([ApiKey.Produce]),
    faultsMax: 80,
  });
  const broker = await startBroker({
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}`,
    'num.partitions': String(PARTITIONS),
    ...settings,
  });
  proxy.forwardTo(broker.port);
  try {
    await producer(`127.0.0.1:${proxy.port}`, records);
    const copies = new Uint8Array(records);
    let outOfOrder = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      const r = await kcat(
        [
          '-b',
          broker.bootstrap,
          '-C',
          '-t',
          'faults',
          '-p',
          String(p),
          '-o',
          'beginning',
          '-e',
          '-q',
          '-f',
          '%k %s\\n',
        ],
        undefined,
        60_000,
      );
      assert.equal(r.code, 0, r.stderr);
      let last = -1;
      for (const line of r.stdout.split('\n')) {
        if (line === '') continue;
        const [key, value] = line.split(' ');
        const n = Number(value);
        assert.equal(key, `k${n}`, `seed ${SEED}: key and value disagree: ${line}`);
        copies[n]++;
        if (n <= last) outOfOrder++;
        last = n;
      }
    }
    return { stats: { ...proxy.stats }, copies, outOfOrder };
  } finally {
    await proxy.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
}

describe('exactly once through network faults (fault proxy, librdkafka idempotent producer)', () => {
  it(`stores 100000 keyed records once each, in producer order per partition (seed ${SEED})`, async () => {
    const { stats, copies, outOfOrder } = await produceThroughFaults(100_000);
    console.log(`fault proxy (seed ${SEED}): ${JSON.stringify(stats)}`);
    assert.ok(stats.droppedResponses >= 5, `seed ${SEED}: only ${stats.droppedResponses} responses dropped`);
    assert.ok(stats.cuts >= 3, `seed ${SEED}: only ${stats.cuts} cuts`);
    const wrong = copies.findIndex((c) => c !== 1);
    assert.equal(wrong, -1, `seed ${SEED}: record ${wrong} stored ${copies[wrong]} times`);
    assert.equal(outOfOrder, 0, `seed ${SEED}: records out of producer order`);
  });

  it('kafkajs (idempotent, one request in flight) also stores 20000 records once each, in order', async () => {
    const { stats, copies, outOfOrder } = await produceThroughFaults(20_000, {}, kafkajsProducer);
    console.log(`fault proxy, kafkajs (seed ${SEED}): ${JSON.stringify(stats)}`);
    assert.ok(stats.droppedResponses > 0, `seed ${SEED}: no response dropped`);
    const wrong = copies.findIndex((c) => c !== 1);
    assert.equal(wrong, -1, `seed ${SEED}: record ${wrong} stored ${copies[wrong]} times`);
    assert.equal(outOfOrder, 0, `seed ${SEED}: records out of producer order`);
  });

  it('canary: with producer state forgotten every millisecond the same faults do store duplicates', async () => {
    const { stats, copies } = await produceThroughFaults(20_000, {
      'producer.id.expiration.ms': '1',
      'producer.id.expiration.check.interval.ms': '1',
    });
    const duplicated = copies.filter((c) => c > 1).length;
    assert.ok(stats.droppedResponses > 0);
    assert.ok(duplicated > 0, `seed ${SEED}: no duplicate without producer state: the faults prove nothing`);
    assert.equal(copies.indexOf(0), -1, `seed ${SEED}: records missing`);
  });
});
