// A broker killed (SIGKILL) while our idempotent producer has batches in
// flight, then restarted on the same data: batches it stored but never
// acknowledged are retried with the same producer id, epoch and sequences,
// and the restarted broker (producer state rebuilt from its log) must answer
// them as duplicates. A proxy holds answers back a little, so at the moment of
// the kill the log provably holds more records than were acknowledged.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Admin, Producer } from '../../src/index.js';
import { storedBatches } from './broker-log.js';
import { BrokerProcess } from './broker-process.js';
import { KafkaProxy } from './kafka-proxy.js';
import { hasKcat, kcatLines } from './other-clients.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const PARTITIONS = 2;
const RECORDS = 20_000;

describe('broker killed mid-stream and restarted', { skip }, () => {
  let broker: BrokerProcess | undefined;
  let proxy: KafkaProxy | undefined;
  after(async () => {
    await proxy?.close();
    await broker?.stop();
  });

  it('retries of stored but unacknowledged batches are not stored twice; order holds', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    broker = await BrokerProcess.start();
    const { dataDir, port } = broker;
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ topic: 'killed', numPartitions: PARTITIONS }]);
    await admin.close();
    proxy = await KafkaProxy.start(port);
    proxy.answerDelayMs = 150;
    const producer = new Producer<string, string>({
      bootstrapServers: proxy.bootstrap,
      keySerializer: 'string',
      valueSerializer: 'string',
      lingerMs: 0,
      batchSize: 512,
      retryBackoffMs: 20,
      reconnectBackoffMs: 20,
      reconnectBackoffMaxMs: 200,
      deliveryTimeoutMs: 90_000,
    });
    let acked = 0;
    const sends = Array.from({ length: RECORDS }, (_, i) =>
      producer.send({ topic: 'killed', key: `k${i}`, value: String(i) }).then((m) => {
        acked++;
        return m;
      }),
    );
    const deadline = Date.now() + 60_000;
    while (acked < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.ok(acked >= 2000, 'the stream got going');
    const identity = { ...producer.idempotence!.identity! };
    await broker.kill();
    const ackedAtKill = acked;
    const storedAtKill = [0, 1]
      .flatMap((p) => storedBatches(dataDir, 'killed', p))
      .reduce((n, b) => n + b.recordCount, 0);
    assert.ok(
      storedAtKill > ackedAtKill,
      `the log held ${storedAtKill} records, ${ackedAtKill} acknowledged: some stored ones await their retry`,
    );
    await new Promise((r) => setTimeout(r, 500));
    proxy.answerDelayMs = 0;
    broker = await BrokerProcess.start({ dataDir, port });
    const acks = await Promise.all(sends);
    await producer.close();
    assert.deepEqual(producer.idempotence!.identity, identity, 'same producer id and epoch across the restart');
    for (let p = 0; p < PARTITIONS; p++) {
      const offsets = acks.filter((m) => m.partition === p).map((m) => m.offset);
      assert.deepEqual(
        offsets,
        offsets.map((_, i) => BigInt(i)),
        `partition ${p}: acknowledged offsets are consecutive from 0`,
      );
    }
    const copies = new Uint8Array(RECORDS);
    for (let p = 0; p < PARTITIONS; p++) {
      let last = -1;
      for (const line of await kcatLines(broker.bootstrap, 'killed', p)) {
        const n = Number(line.split(' ')[1]);
        copies[n]!++;
        assert.ok(n > last, `partition ${p}: ${n} after ${last}`);
        last = n;
      }
    }
    const wrong = copies.findIndex((c) => c !== 1);
    assert.equal(wrong, -1, `record ${wrong} stored ${copies[wrong]} times`);
  });
});
