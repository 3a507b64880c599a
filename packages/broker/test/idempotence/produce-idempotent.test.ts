import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ErrorCode, ProduceRequest, type ProduceResponse } from '@fluxo/protocol';
import { produceHandler } from '../../src/handlers/00-produce.js';
import { buildBatch, decodeRecords } from '../data-path/batch-builder.js';
import { call, type Harness, makeHarness, T0 } from '../data-path/harness.js';

type Response = ProduceResponse.ProduceResponseData;

function batch(producerId: bigint, producerEpoch: number, baseSequence: number, count = 1): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    value: Buffer.from(`s${baseSequence + i}`),
    timestamp: T0,
  }));
  return buildBatch(records, { producerId, producerEpoch, baseSequence });
}

describe('Produce with idempotent batches', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    h.topics.add('idem', 1);
  });
  afterEach(() => h.close());

  const produce = async (records: Buffer, version = 9) => {
    const r = (await call<Response>(
      produceHandler,
      version,
      ProduceRequest.create({
        acks: -1,
        timeoutMs: 30_000,
        topicData: [ProduceRequest.createTopicProduceData({ name: 'idem', partitionData: [{ index: 0, records }] })],
      }),
      h.broker,
    )) as Response;
    return r.responses[0].partitionResponses[0];
  };

  it('answers retries with the original offset, gaps and stale epochs with Kafka’s errors, and stores each batch once', async () => {
    assert.equal((await produce(batch(7n, 0, 0, 3))).baseOffset, 0n);
    assert.equal((await produce(batch(7n, 0, 3, 2))).baseOffset, 3n);
    const retry = await produce(batch(7n, 0, 0, 3));
    assert.equal(retry.errorCode, ErrorCode.NONE);
    assert.equal(retry.baseOffset, 0n);
    assert.equal((await produce(batch(7n, 0, 9))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal((await produce(batch(7n, 1, 0))).baseOffset, 5n, 'a bumped epoch restarts at 0');
    assert.equal((await produce(batch(7n, 0, 5))).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal((await produce(batch(8n, 0, 77))).errorCode, ErrorCode.NONE, 'unknown producer: any sequence');
    assert.equal((await produce(batch(8n, 0, -1))).errorCode, ErrorCode.INVALID_RECORD);
    const log = h.broker.logs.get('idem', 0)!;
    const values = decodeRecords(log.read(0n, 1 << 20, true).records).map((r) => r.value!.toString());
    assert.deepEqual(values, ['s0', 's1', 's2', 's3', 's4', 's0', 's77']);
  });

  it('reads producer.id.expiration.ms and its check interval as real broker settings', () => {
    assert.equal(h.broker.config.producerIdExpirationMs, 86_400_000);
    assert.equal(h.broker.config.producerIdExpirationCheckIntervalMs, 600_000);
  });
});
