import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ApiKey, CreateTopicsRequest, encodeRecordBatch, ProduceRequest, type ProduceResponse } from '@fluxo/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { HOST, kcat, removeDir, spawnBroker, tempDir } from './harness.js';

const dataDir = tempDir();
after(() => removeDir(dataDir));

const RECORDS_PER_BATCH = 20;
const LOAD_MS = 1500;

function batch(tag: string): Buffer {
  return encodeRecordBatch({
    records: Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({ key: null, value: Buffer.from(`${tag}-${i}`) })),
    baseTimestamp: BigInt(Date.now()),
  });
}

function produceFrame(c: RawClient, partition: number, records: Buffer, correlationId: number): Buffer {
  return c.encode(
    ApiKey.Produce,
    9,
    ProduceRequest.create({
      acks: 1,
      timeoutMs: 5000,
      topicData: [
        ProduceRequest.createTopicProduceData({
          name: 'crash',
          partitionData: [ProduceRequest.createPartitionProduceData({ index: partition, records })],
        }),
      ],
    }),
    correlationId,
  );
}

/** offset -> value of every record in a partition, read with kcat. */
async function readPartition(bootstrap: string, partition: number): Promise<Map<bigint, string>> {
  const r = await kcat([
    '-b',
    bootstrap,
    '-C',
    '-t',
    'crash',
    '-p',
    String(partition),
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%o %s\\n',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<bigint, string>();
  for (const line of r.stdout.split('\n')) {
    if (line === '') continue;
    const space = line.indexOf(' ');
    out.set(BigInt(line.slice(0, space)), line.slice(space + 1));
  }
  return out;
}

describe('crash recovery (real processes, kill -9)', () => {
  it('keeps every acknowledged record after kill -9 under acks=1 load', async () => {
    const first = await spawnBroker(dataDir);
    const c = await RawClient.open(HOST, first.port);
    await c.request(
      ApiKey.CreateTopics,
      7,
      CreateTopicsRequest.create({
        topics: [CreateTopicsRequest.createCreatableTopic({ name: 'crash', numPartitions: 2, replicationFactor: 1 })],
      }),
    );
    // Pipelined producer: up to 16 requests in flight, alternating partitions.
    const acked: { partition: number; baseOffset: bigint; tag: string }[] = [];
    const sent = new Map<number, { partition: number; tag: string }>();
    let next = 1;
    const deadline = Date.now() + LOAD_MS;
    let killed = false;
    const sendOne = (): void => {
      const id = next++;
      const partition = id % 2;
      const tag = `b${id}`;
      sent.set(id, { partition, tag });
      c.send(produceFrame(c, partition, batch(tag), id));
    };
    for (let i = 0; i < 16; i++) sendOne();
    try {
      for (;;) {
        const { correlationId, body } = await c.readResponse(ApiKey.Produce, 9);
        const p = (body as ProduceResponse.ProduceResponseData).responses[0]!.partitionResponses[0]!;
        assert.equal(p.errorCode, 0);
        const s = sent.get(correlationId)!;
        acked.push({ partition: s.partition, baseOffset: p.baseOffset, tag: s.tag });
        if (Date.now() >= deadline && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
        if (!killed) sendOne();
      }
    } catch {
      // The connection dies with the broker.
    }
    await first.exited;
    assert.ok(acked.length > 20, `only ${acked.length} batches acknowledged before the kill`);

    const second = await spawnBroker(dataDir);
    try {
      const stored = [await readPartition(second.bootstrap, 0), await readPartition(second.bootstrap, 1)];
      for (const a of acked) {
        for (let i = 0; i < RECORDS_PER_BATCH; i++) {
          assert.equal(
            stored[a.partition]!.get(a.baseOffset + BigInt(i)),
            `${a.tag}-${i}`,
            `acked ${a.tag} record ${i}`,
          );
        }
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('truncates a torn last batch and continues from the last whole one', async () => {
    const before = await spawnBroker(dataDir);
    const beforeCounts = (await readPartition(before.bootstrap, 0)).size;
    before.child.kill('SIGKILL');
    await before.exited;

    const partitionDir = join(dataDir, 'crash-0');
    const lastLog = readdirSync(partitionDir)
      .filter((f) => f.endsWith('.log'))
      .sort()
      .at(-1)!;
    const path = join(partitionDir, lastLog);
    const sizeBefore = statSync(path).size;
    const whole = batch('torn');
    appendFileSync(path, whole.subarray(0, Math.floor(whole.length / 2)));

    const after = await spawnBroker(dataDir);
    try {
      const stored = await readPartition(after.bootstrap, 0);
      assert.equal(stored.size, beforeCounts, 'the torn batch is not served');
      assert.equal(statSync(path).size, sizeBefore, 'the torn bytes were cut off');
      const c = await RawClient.open(HOST, after.port);
      c.send(produceFrame(c, 0, batch('after'), 1));
      const { body } = await c.readResponse(ApiKey.Produce, 9);
      const p = (body as ProduceResponse.ProduceResponseData).responses[0]!.partitionResponses[0]!;
      assert.equal(p.errorCode, 0);
      assert.equal(p.baseOffset, BigInt(beforeCounts), 'the log goes on from the last whole batch');
      c.close();
    } finally {
      after.child.kill('SIGTERM');
      await after.exited;
    }
  });
});
