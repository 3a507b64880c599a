// Regression tests for the idempotent producer's sequence handling against a
// real broker, which enforces sequences (storage's producer state): a batch
// that fails for good, or a retried batch with others in flight behind it,
// must not lock the producer out of its partition (Java's KIP-360 behaviour).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ApiKey, ErrorCode } from '@fluxo/protocol';
import { Admin, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { actAsTwoNodes, KafkaProxy } from './kafka-proxy.js';
import { hasKcat, kcatLines } from './other-clients.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

/** Asserts that partition 0 of `topic` holds exactly `expected` (key=value lines), in that order. */
async function assertLog(bootstrap: string, topic: string, expected: string[]): Promise<void> {
  const lines = await kcatLines(bootstrap, topic, 0, '%k=%s');
  assert.equal(lines.length, expected.length, `${topic}: ${lines.length} records, expected ${expected.length}`);
  assert.deepEqual(lines, expected);
}

const record = (i: number) => ({ key: `k${i}`, value: `v${i}` });
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `k${from + i}=v${from + i}`);

describe('idempotent producer: sequences after failures (real broker)', { skip }, () => {
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

  it('requests drained while the connection to the leader is still opening reach the broker in order', async () => {
    // Regression: they used to race for the new connection, so the broker could take a partition's
    // second batch first (a producer without state there may start at any sequence, KIP-360) and
    // then refuse the first as OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms: lost records.
    const topic = 'opening-connection';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    // Two proxies pose as nodes 1 and 2 of one broker: node 1 answers metadata and InitProducerId,
    // node 2 leads the partition, so its connection is first opened by a Produce request.
    const node1 = await KafkaProxy.start(broker.port);
    const node2 = await KafkaProxy.start(broker.port);
    actAsTwoNodes(node1, node2, { leader: 2, leaderEpoch: 0 });
    // Node 2 holds every answer back, ApiVersions on the new connection included.
    node2.answerDelayMs = 150;
    const producer = new Producer<string, string>({
      bootstrapServers: node1.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      lingerMs: 0,
      requestTimeoutMs: 3000,
      deliveryTimeoutMs: 5000,
    });
    try {
      const first = Array.from({ length: 20 }, (_, i) => producer.send({ topic, ...record(i) }));
      const deadline = performance.now() + 10_000;
      while (node2.stats.connections === 0 && performance.now() < deadline) await sleep(1);
      assert.equal(node2.stats.connections, 1, 'the first batch opened a connection to the leader');
      await sleep(30);
      // Drained while that connection waits for its ApiVersions answer.
      const second = Array.from({ length: 20 }, (_, i) => producer.send({ topic, ...record(20 + i) }));
      const acks = await Promise.all([...first, ...second]);
      assert.deepEqual(
        acks.map((m) => m.offset),
        Array.from({ length: 40 }, (_, i) => BigInt(i)),
      );
      assert.equal(node2.stats.requests.get(ApiKey.Produce), 2, 'two requests, no retry');
    } finally {
      await producer.close();
      await node1.close();
      await node2.close();
    }
  });

  it('a record over max.message.bytes fails, and the partition keeps working, with batches in flight behind it (repro A)', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const topic = 'too-large';
    await admin.createTopics([{ topic, numPartitions: 1, configs: { 'max.message.bytes': '2000' } }]);
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      lingerMs: 0,
      batchSize: 600,
    });
    const send = (i: number) => producer.send({ topic, partition: 0, ...record(i) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));
    // The big record goes alone in its batch; the next records are in later batches, sent right behind it.
    const big = producer.send({ topic, partition: 0, key: 'big', value: 'x'.repeat(5000) });
    const behind = Array.from({ length: 40 }, (_, i) => send(20 + i));
    await assert.rejects(big, (err: Error & { code?: number }) => {
      assert.equal(err.name, 'MESSAGE_TOO_LARGE');
      assert.equal(err.code, ErrorCode.MESSAGE_TOO_LARGE);
      return true;
    });
    const behindAcks = await Promise.all(behind);
    const later = await Promise.all(Array.from({ length: 40 }, (_, i) => send(60 + i)));
    assert.deepEqual(
      [...behindAcks, ...later].map((m) => m.offset),
      Array.from({ length: 80 }, (_, i) => BigInt(20 + i)),
    );
    assert.ok((producer.idempotence?.identity?.producerEpoch ?? 0) >= 1, 'the epoch was bumped locally');
    await producer.close();
    await assertLog(broker.bootstrap, topic, lines(0, 100));
  });

  it('several small records over max.message.bytes together are split and all stored, in order', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const topic = 'split-batches';
    await admin.createTopics([{ topic, numPartitions: 1, configs: { 'max.message.bytes': '2000' } }]);
    const producer = new Producer<string, string>({
      bootstrapServers: broker.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      lingerMs: 50,
      batchSize: 64 * 1024,
    });
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        producer.send({ topic, partition: 0, key: `k${i}`, value: `v${i}`.padEnd(100, '.') }),
      ),
    );
    await producer.close();
    assert.deepEqual(
      acks.map((m) => m.offset),
      Array.from({ length: 100 }, (_, i) => BigInt(i)),
    );
    const stored = await kcatLines(broker.bootstrap, topic, 0, '%k');
    assert.deepEqual(
      stored,
      Array.from({ length: 100 }, (_, i) => `k${i}`),
    );
  });

  for (const [name, action] of [
    ['answered NOT_LEADER_OR_FOLLOWER without reaching the broker', 'answer'],
    ['stored, but its answer rewritten to NOT_LEADER_OR_FOLLOWER', 'rewrite-answer'],
  ] as const) {
    it(`one in-flight Produce ${name}: the retry lands once and the batches behind it keep their order (repro B)`, async (t) => {
      if (!(await hasKcat())) return t.skip('kcat not installed');
      const topic = `not-leader-${action}`;
      await admin.createTopics([{ topic, numPartitions: 1 }]);
      const proxy = await KafkaProxy.start(broker.port);
      try {
        const producer = new Producer<string, string>({
          bootstrapServers: proxy.bootstrap,
          keySerializer: 'string',
          valueSerializer: 'string',
          lingerMs: 0,
          batchSize: 200,
          retryBackoffMs: 20,
        });
        const send = (i: number) => producer.send({ topic, partition: 0, ...record(i) });
        await Promise.all(Array.from({ length: 20 }, (_, i) => send(i)));
        let hit = -1;
        proxy.onProduce = ({ index }) => {
          if (hit < 0) hit = index + 2; // the third Produce from now: others are in flight behind it
          return index === hit ? { kind: action, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER } : { kind: 'forward' };
        };
        const acks = await Promise.all(Array.from({ length: 500 }, (_, i) => send(20 + i)));
        const later = await Promise.all(Array.from({ length: 20 }, (_, i) => send(520 + i)));
        await producer.close();
        assert.equal(action === 'answer' ? proxy.stats.answered : proxy.stats.rewritten, 1, 'the fault happened');
        assert.ok(proxy.stats.maxProduceInFlight > 1, 'batches were in flight behind the failed one');
        assert.deepEqual(
          [...acks, ...later].map((m) => m.offset),
          Array.from({ length: 520 }, (_, i) => BigInt(20 + i)),
        );
        await assertLog(broker.bootstrap, topic, lines(0, 540));
      } finally {
        await proxy.close();
      }
    });
  }
});
