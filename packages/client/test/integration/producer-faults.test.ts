// Exactly once, in order, through network and broker faults, with OUR
// idempotent producer (5 requests in flight): a test proxy between it and the
// broker, driven by one seed, loses answers of stored batches (cutting the
// connection), cuts connections before a request is forwarded, rewrites the
// answer of a stored batch to a retriable error, and answers a retriable
// error itself without storing. kcat then reads every partition straight from
// the broker. The canary runs the same faults without idempotence and must
// store duplicates, or the faults proved nothing.
//
// Faults start after the first requests: a broker accepts a producer it has
// no state for at any sequence (Kafka 2.5+, KIP-360), so a fault on the very
// first batch of a partition could let the batch behind it in first; a real
// NOT_LEADER_OR_FOLLOWER refuses everything in flight, so this never happens
// outside a proxy that refuses one request alone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '@fluxo/core';
import { ErrorCode } from '@fluxo/protocol';
import { Admin, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { KafkaProxy, type ProduceAction, type ProxyStats } from './kafka-proxy.js';
import { hasKcat, kcatLines } from './other-clients.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
/** Override with FLUXO_FAULT_SEED to replay or explore; failure messages name the seed. */
const SEED = Number(process.env.FLUXO_FAULT_SEED ?? 7_062_024);
const PARTITIONS = 4;
const RETRIABLE = [ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_ENOUGH_REPLICAS, ErrorCode.REQUEST_TIMED_OUT];

function faultPlan(seed: number, faultsMax: number, quietRequests: number): (index: number) => ProduceAction {
  const random = new SeededRandom(seed);
  let faults = 0;
  return (index) => {
    if (index < quietRequests || faults >= faultsMax) return { kind: 'forward' };
    const r = random.next();
    const errorCode = RETRIABLE[Math.floor(random.next() * RETRIABLE.length)]!;
    let action: ProduceAction = { kind: 'forward' };
    if (r < 0.03) action = { kind: 'cut' };
    else if (r < 0.07) action = { kind: 'lose-answer' };
    else if (r < 0.1) action = { kind: 'rewrite-answer', errorCode };
    else if (r < 0.13) action = { kind: 'answer', errorCode };
    if (action.kind !== 'forward') faults++;
    return action;
  };
}

interface Outcome {
  stats: ProxyStats;
  copies: Uint8Array;
  outOfOrder: number;
}

describe(`exactly once through faults with our producer (seed ${SEED})`, { skip }, () => {
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

  async function produceThroughFaults(topic: string, records: number, enableIdempotence: boolean): Promise<Outcome> {
    await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
    const proxy = await KafkaProxy.start(broker.port);
    const plan = faultPlan(SEED, 150, 20);
    proxy.onProduce = ({ index }) => plan(index);
    try {
      const producer = new Producer<string, string>({
        bootstrapServers: proxy.bootstrap,
        keySerializer: 'string',
        valueSerializer: 'string',
        enableIdempotence,
        maxInFlightRequestsPerConnection: 5,
        lingerMs: 2,
        batchSize: 1024,
        retryBackoffMs: 10,
        reconnectBackoffMs: 10,
        reconnectBackoffMaxMs: 100,
      });
      const window = 5000;
      for (let from = 0; from < records; from += window) {
        const sends = [];
        for (let i = from; i < Math.min(records, from + window); i++) {
          sends.push(producer.send({ topic, key: `k${i}`, value: String(i) }));
        }
        const settled = await Promise.allSettled(sends);
        const failed = settled.find((s) => s.status === 'rejected');
        assert.equal(failed, undefined, `seed ${SEED}: a send failed: ${(failed as PromiseRejectedResult)?.reason}`);
      }
      await producer.close();
      const stats = { ...proxy.stats };
      proxy.onProduce = () => ({ kind: 'forward' });
      const copies = new Uint8Array(records);
      let outOfOrder = 0;
      for (let p = 0; p < PARTITIONS; p++) {
        let last = -1;
        for (const line of await kcatLines(broker.bootstrap, topic, p)) {
          const [key, value] = line.split(' ');
          const n = Number(value);
          assert.equal(key, `k${n}`, `seed ${SEED}: key and value disagree: ${line}`);
          copies[n]!++;
          if (n <= last) outOfOrder++;
          last = n;
        }
      }
      return { stats, copies, outOfOrder };
    } finally {
      await proxy.close();
    }
  }

  it('50000 keyed records, 5 in flight: each stored once, in send order per partition', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const { stats, copies, outOfOrder } = await produceThroughFaults('faults', 50_000, true);
    console.log(`fault proxy (seed ${SEED}): ${JSON.stringify({ ...stats, requests: undefined })}`);
    for (const kind of ['cuts', 'lostAnswers', 'rewritten', 'answered'] as const) {
      assert.ok(stats[kind] >= 3, `seed ${SEED}: only ${stats[kind]} ${kind}`);
    }
    assert.ok(stats.maxProduceInFlight > 1, 'requests were pipelined');
    const wrong = copies.findIndex((c) => c !== 1);
    assert.equal(wrong, -1, `seed ${SEED}: record ${wrong} stored ${copies[wrong]} times`);
    assert.equal(outOfOrder, 0, `seed ${SEED}: records out of send order`);
  });

  it('canary: the same faults without idempotence store duplicates', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const { stats, copies } = await produceThroughFaults('faults-canary', 20_000, false);
    assert.ok(stats.lostAnswers + stats.rewritten > 0);
    assert.equal(copies.indexOf(0), -1, `seed ${SEED}: records missing`);
    const duplicated = copies.filter((c) => c > 1).length;
    assert.ok(duplicated > 0, `seed ${SEED}: no duplicate without idempotence: the faults prove nothing`);
  });
});
