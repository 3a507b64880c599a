import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ProduceRequest, type ProduceResponse, readBatchHeader } from '@fluxo/protocol';
import { produceHandler } from '../../src/handlers/00-produce.js';
import { NO_RESPONSE } from '../../src/handlers/handler.js';
import { buildBatch, decodeRecords, simpleBatch } from './batch-builder.js';
import { call, type Harness, makeHarness, T0, versions } from './harness.js';

type Response = ProduceResponse.ProduceResponseData;

function request(topic: string, partitions: { index: number; records: Buffer | null }[], acks = 1) {
  return ProduceRequest.create({
    acks,
    timeoutMs: 30_000,
    topicData: [ProduceRequest.createTopicProduceData({ name: topic, partitionData: partitions })],
  });
}

describe('Produce handler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    h.topics.add('events', 2);
  });
  afterEach(() => h.close());

  const produce = async (req: ProduceRequest.ProduceRequestData, version = 9) =>
    (await call<Response>(produceHandler, version, req, h.broker)) as Response;
  const partitionOf = (r: Response, i = 0) => r.responses[0].partitionResponses[i];

  it('appends at every supported version (3-11) and answers base offset and log start offset', async () => {
    assert.deepEqual(versions(produceHandler), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
    let expected = 0n;
    for (const v of versions(produceHandler)) {
      const r = await produce(request('events', [{ index: 1, records: simpleBatch(3, T0) }]), v);
      const p = partitionOf(r);
      assert.equal(p.errorCode, 0, `v${v}`);
      assert.equal(p.baseOffset, expected);
      assert.equal(p.logAppendTimeMs, -1n);
      if (v >= 5) assert.equal(p.logStartOffset, 0n);
      expected += 3n;
    }
    assert.equal(h.broker.logs.get('events', 1)!.logEndOffset, expected);
  });

  it('acks=0 appends and returns no response', async () => {
    const outcome = await call(
      produceHandler,
      9,
      request('events', [{ index: 0, records: simpleBatch(2, T0) }], 0),
      h.broker,
    );
    assert.equal(outcome, NO_RESPONSE);
    assert.equal(h.broker.logs.get('events', 0)!.logEndOffset, 2n);
  });

  it('acks=-1 succeeds with min.insync.replicas=1 and fails with NOT_ENOUGH_REPLICAS above it', async () => {
    assert.equal(
      partitionOf(await produce(request('events', [{ index: 0, records: simpleBatch(1, T0) }], -1))).errorCode,
      0,
    );
    h.topics.add('strict', 1, { 'min.insync.replicas': '2' });
    const p = partitionOf(await produce(request('strict', [{ index: 0, records: simpleBatch(1, T0) }], -1)));
    assert.equal(p.errorCode, 19);
    assert.equal(p.baseOffset, -1n);
    assert.equal(h.broker.logs.get('strict', 0)!.logEndOffset, 0n);
    // acks=1 is not subject to min.insync.replicas.
    assert.equal(
      partitionOf(await produce(request('strict', [{ index: 0, records: simpleBatch(1, T0) }], 1))).errorCode,
      0,
    );
  });

  it('rejects acks other than 0, 1, -1 with INVALID_REQUIRED_ACKS', async () => {
    const p = partitionOf(await produce(request('events', [{ index: 0, records: simpleBatch(1, T0) }], 2)));
    assert.equal(p.errorCode, 21);
    assert.equal(h.broker.logs.get('events', 0)?.logEndOffset ?? 0n, 0n);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic or partition', async () => {
    assert.equal(
      partitionOf(await produce(request('ghost', [{ index: 0, records: simpleBatch(1, T0) }]))).errorCode,
      3,
    );
    const r = await produce(
      request('events', [
        { index: 2, records: simpleBatch(1, T0) },
        { index: 0, records: simpleBatch(1, T0) },
      ]),
    );
    assert.equal(partitionOf(r, 0).errorCode, 3);
    assert.equal(partitionOf(r, 1).errorCode, 0);
    assert.equal(h.broker.logs.get('events', 2), undefined);
  });

  it('CORRUPT_MESSAGE for a bad CRC, MESSAGE_TOO_LARGE over max.message.bytes; nothing written', async () => {
    const bad = simpleBatch(2, T0);
    bad[bad.length - 3] ^= 1;
    const corrupt = partitionOf(await produce(request('events', [{ index: 0, records: bad }])));
    assert.equal(corrupt.errorCode, 2);
    assert.ok(corrupt.errorMessage?.includes('CRC'));
    h.topics.add('small', 1, { 'max.message.bytes': '200' });
    assert.equal(
      partitionOf(await produce(request('small', [{ index: 0, records: simpleBatch(1, T0, 300) }]))).errorCode,
      10,
    );
    assert.equal(h.broker.logs.get('events', 0)!.logEndOffset, 0n);
    assert.equal(h.broker.logs.get('small', 0)!.logEndOffset, 0n);
  });

  it("enforces Kafka's produce record rules: one v2 batch, no zstd before v7", async () => {
    const one = simpleBatch(1, T0);
    assert.equal(partitionOf(await produce(request('events', [{ index: 0, records: null }]))).errorCode, 87);
    assert.equal(
      partitionOf(await produce(request('events', [{ index: 0, records: one.subarray(0, 40) }]))).errorCode,
      87,
    );
    const two = partitionOf(await produce(request('events', [{ index: 0, records: Buffer.concat([one, one]) }])));
    assert.equal(two.errorCode, 87);
    assert.match(two.errorMessage ?? '', /exactly one record batch/);
    const magic1 = Buffer.from(one);
    magic1[16] = 1;
    assert.equal(partitionOf(await produce(request('events', [{ index: 0, records: magic1 }]))).errorCode, 87);
    const zstd = buildBatch([{ value: Buffer.from('z'), timestamp: T0 }], { attributes: 4 });
    assert.equal(partitionOf(await produce(request('events', [{ index: 0, records: zstd }]), 6)).errorCode, 76);
    assert.equal(h.broker.logs.get('events', 0)!.logEndOffset, 0n);
    // v7+ accepts zstd (stored as received, never decompressed by the broker).
    assert.equal(partitionOf(await produce(request('events', [{ index: 0, records: zstd }]), 7)).errorCode, 0);
  });

  it('LogAppendTime topics answer the broker time and store it in the batch', async () => {
    h.topics.add('stamped', 1, { 'message.timestamp.type': 'LogAppendTime' });
    h.clock.advance(5000);
    const p = partitionOf(await produce(request('stamped', [{ index: 0, records: simpleBatch(1, 42) }])));
    assert.equal(p.logAppendTimeMs, BigInt(T0 + 5000));
    const stored = h.broker.logs.get('stamped', 0)!.read(0n, 10_000, true).records;
    assert.equal(decodeRecords(stored)[0].timestamp, T0 + 5000);
  });

  it('stores idempotent-producer batches unchanged apart from the base offset', async () => {
    const batch = buildBatch([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], {
      baseTimestamp: T0,
      producerId: 7n,
      producerEpoch: 0,
      baseSequence: 0,
    });
    assert.equal(partitionOf(await produce(request('events', [{ index: 0, records: batch }], -1))).errorCode, 0);
    const stored = h.broker.logs.get('events', 0)!.read(0n, 10_000, true).records;
    const header = readBatchHeader(stored);
    assert.equal(header.producerId, 7n);
    assert.equal(header.baseSequence, 0);
    assert.deepEqual(stored.subarray(12 + 4), batch.subarray(12 + 4));
  });
});
