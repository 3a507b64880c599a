// Metadata and the producer, against a real broker: concurrent refreshes of
// different topics, the periodic refresh that picks up new partitions, and a
// leader change. Fluxo runs single-node, so the leader change is staged by two
// test proxies in front of the one broker that present it as nodes 1 and 2:
// the partition's leader moves from 1 to 2 (new leader epoch), and node 1
// answers NOT_LEADER_OR_FOLLOWER from then on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKey, ErrorCode } from '@fluxo/protocol';
import { Cluster } from '../../src/cluster/cluster.js';
import { resolveClientConfig } from '../../src/config.js';
import { Admin, Producer } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { actAsTwoNodes, KafkaProxy, type TwoNodeLeadership } from './kafka-proxy.js';
import { hasKcat, kcatLines } from './other-clients.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

async function within<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('producer metadata (real broker)', { skip }, () => {
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

  it('concurrent refreshes share a request only when it covers their topics', async () => {
    await admin.createTopics([
      { topic: 'meta-a', numPartitions: 1 },
      { topic: 'meta-b', numPartitions: 2 },
    ]);
    const proxy = await KafkaProxy.start(broker.port);
    const cluster = new Cluster(resolveClientConfig({ bootstrapServers: proxy.bootstrap }), { maxInFlight: 5 });
    try {
      await cluster.anyConnection();
      const before = proxy.stats.requests.get(ApiKey.Metadata) ?? 0;
      await Promise.all([
        cluster.refreshTopicsShared(['meta-a']),
        cluster.refreshTopicsShared(['meta-b']),
        cluster.refreshTopicsShared(['meta-a']),
      ]);
      assert.equal(cluster.metadata.partitionCount('meta-a'), 1);
      assert.equal(cluster.metadata.partitionCount('meta-b'), 2, 'a refresh for meta-a does not answer for meta-b');
      assert.equal((proxy.stats.requests.get(ApiKey.Metadata) ?? 0) - before, 2, 'the second meta-a shared the first');
    } finally {
      cluster.close();
      await proxy.close();
    }
  });

  it('refreshes by age (metadata.max.age.ms): partitions added later get records without any error', async () => {
    const topic = 'grows';
    await admin.createTopics([{ topic, numPartitions: 2 }]);
    const producer = new Producer<null, string>({
      bootstrapServers: broker.bootstrap,
      valueSerializer: 'string',
      partitioner: 'round-robin',
      metadataMaxAgeMs: 1000,
      lingerMs: 0,
    });
    try {
      const first = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send({ topic, value: `a${i}` })));
      assert.deepEqual(new Set(first.map((m) => m.partition)), new Set([0, 1]));
      await admin.createPartitions([{ topic, count: 4 }]);
      const placed = await within('records on the new partitions', 30_000, async () => {
        const batch = await Promise.all(Array.from({ length: 8 }, (_, i) => producer.send({ topic, value: `b${i}` })));
        const partitions = new Set(batch.map((m) => m.partition));
        return partitions.has(2) && partitions.has(3) ? partitions : undefined;
      });
      assert.deepEqual(placed, new Set([0, 1, 2, 3]));
    } finally {
      await producer.close();
    }
  });

  it('a leader change: NOT_LEADER_OR_FOLLOWER, refresh, retry at the new leader, each record once and in order', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const topic = 'leader-moves';
    await admin.createTopics([{ topic, numPartitions: 1 }]);
    const node1 = await KafkaProxy.start(broker.port);
    const node2 = await KafkaProxy.start(broker.port);
    const leadership: TwoNodeLeadership = { leader: 1, leaderEpoch: 10 };
    actAsTwoNodes(node1, node2, leadership);
    try {
      const producer = new Producer<string, string>({
        bootstrapServers: node1.bootstrap,
        keySerializer: 'string',
        valueSerializer: 'string',
        lingerMs: 0,
        batchSize: 300,
        retryBackoffMs: 20,
      });
      const send = (i: number) => producer.send({ topic, key: `k${i}`, value: `v${i}` });
      await Promise.all(Array.from({ length: 100 }, (_, i) => send(i)));
      assert.equal(node2.stats.requests.get(ApiKey.Produce) ?? 0, 0, 'all went to node 1 so far');
      const metadataBefore =
        (node1.stats.requests.get(ApiKey.Metadata) ?? 0) + (node2.stats.requests.get(ApiKey.Metadata) ?? 0);
      leadership.leader = 2;
      leadership.leaderEpoch = 11;
      node1.onProduce = () => ({ kind: 'answer', errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER });
      const acks = await Promise.all(Array.from({ length: 400 }, (_, i) => send(100 + i)));
      await producer.close();
      assert.ok(node1.stats.answered >= 1, 'node 1 refused at least one Produce');
      assert.ok((node2.stats.requests.get(ApiKey.Produce) ?? 0) > 0, 'the new leader got the retries');
      const metadataAfter =
        (node1.stats.requests.get(ApiKey.Metadata) ?? 0) + (node2.stats.requests.get(ApiKey.Metadata) ?? 0);
      assert.ok(metadataAfter > metadataBefore, 'the producer refreshed its metadata');
      assert.deepEqual(
        acks.map((m) => m.offset),
        Array.from({ length: 400 }, (_, i) => BigInt(100 + i)),
      );
      const stored = await kcatLines(broker.bootstrap, topic, 0, '%k=%s');
      assert.deepEqual(
        stored,
        Array.from({ length: 500 }, (_, i) => `k${i}=v${i}`),
      );
    } finally {
      await node1.close();
      await node2.close();
    }
  });
});
