import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiKey,
  type ApiVersionsResponse,
  CreateTopicsRequest,
  type CreateTopicsResponse,
  encodeRecordBatch,
  FetchRequest,
  type FetchResponse,
  MetadataRequest,
  type MetadataResponse,
  ProduceRequest,
  type ProduceResponse,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { HOST, type RunningBroker, removeDir, startBroker } from './harness.js';

const MESSAGE_MAX_BYTES = 10_000;
const FRAME_MAX_BYTES = 200_000;

let broker: RunningBroker;

before(async () => {
  broker = await startBroker({
    'message.max.bytes': String(MESSAGE_MAX_BYTES),
    'socket.request.max.bytes': String(FRAME_MAX_BYTES),
    'auto.create.topics.enable': 'false',
  });
  const c = await open();
  await c.request(
    ApiKey.CreateTopics,
    7,
    CreateTopicsRequest.create({
      topics: [CreateTopicsRequest.createCreatableTopic({ name: 'target', numPartitions: 2, replicationFactor: 1 })],
    }),
  );
  c.close();
});
after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

const open = () => RawClient.open(HOST, broker.port);

function batch(values: string[], valueBytes = 0): Buffer {
  return encodeRecordBatch({
    records: values.map((v) => ({ key: null, value: Buffer.from(valueBytes > 0 ? v.padEnd(valueBytes, 'x') : v) })),
    baseTimestamp: BigInt(Date.now()),
  });
}

async function produce(c: RawClient, topic: string, partition: number, records: Buffer) {
  const r = await c.request<ProduceResponse.ProduceResponseData>(
    ApiKey.Produce,
    9,
    ProduceRequest.create({
      acks: 1,
      timeoutMs: 5000,
      topicData: [
        ProduceRequest.createTopicProduceData({
          name: topic,
          partitionData: [ProduceRequest.createPartitionProduceData({ index: partition, records })],
        }),
      ],
    }),
  );
  return r.responses[0]!.partitionResponses[0]!;
}

async function fetchAt(c: RawClient, partition: number, fetchOffset: bigint) {
  const r = await c.request<FetchResponse.FetchResponseData>(
    ApiKey.Fetch,
    12,
    FetchRequest.create({
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      sessionEpoch: -1,
      topics: [
        FetchRequest.createFetchTopic({
          topic: 'target',
          partitions: [FetchRequest.createFetchPartition({ partition, fetchOffset, partitionMaxBytes: 1 << 20 })],
        }),
      ],
    }),
  );
  return r.responses[0]!.partitions[0]!;
}

/** The broker still answers a fresh connection, and the stored records are intact. */
async function brokerStillServes(): Promise<void> {
  const c = await open();
  const r = await c.request<ApiVersionsResponse.ApiVersionsResponseData>(ApiKey.ApiVersions, 3, {
    clientSoftwareName: 'it',
    clientSoftwareVersion: '1',
  });
  assert.equal(r.errorCode, 0);
  const stored = await fetchAt(c, 0, 0n);
  assert.equal(stored.errorCode, 0);
  assert.ok(stored.highWatermark >= 3n, 'the good records are still there');
  c.close();
}

describe('bad input against a running broker', () => {
  it('stores a good batch (the records later checks expect)', async () => {
    const c = await open();
    const r = await produce(c, 'target', 0, batch(['a', 'b', 'c']));
    assert.equal(r.errorCode, 0);
    assert.equal(r.baseOffset, 0n);
    c.close();
  });

  const closing: [string, (c: RawClient) => Buffer][] = [
    ['an oversized frame', () => Buffer.from([0, 0x10, 0, 0])],
    ['an unknown api key', (c) => withKey(c.encode(ApiKey.ApiVersions, 0, {}), 1234)],
    ['a truncated request', (c) => truncated(c.encode(ApiKey.Metadata, 12, MetadataRequest.create({ topics: null })))],
    ['an unsupported Produce version', (c) => withVersion(c.encode(ApiKey.ApiVersions, 0, {}), ApiKey.Produce, 99)],
  ];
  for (const [name, frame] of closing) {
    it(`closes the connection on ${name}`, async () => {
      const c = await open();
      c.send(frame(c));
      assert.equal(await c.waitClosed(), true);
      await brokerStillServes();
    });
  }

  it('answers an unsupported ApiVersions version with UNSUPPORTED_VERSION and the supported ranges', async () => {
    const c = await open();
    c.send(
      withVersion(c.encode(ApiKey.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }), 18, 77),
    );
    const { body } = await c.readResponse(ApiKey.ApiVersions, 0);
    const r = body as ApiVersionsResponse.ApiVersionsResponseData;
    assert.equal(r.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.ok(r.apiKeys.some((k) => k.apiKey === ApiKey.Produce));
    c.close();
    await brokerStillServes();
  });

  it('answers CORRUPT_MESSAGE for a bad CRC and stores nothing', async () => {
    const c = await open();
    const bad = batch(['evil']);
    bad[bad.length - 1] ^= 0xff;
    assert.equal((await produce(c, 'target', 0, bad)).errorCode, ErrorCode.CORRUPT_MESSAGE);
    c.close();
    await brokerStillServes();
  });

  it('answers MESSAGE_TOO_LARGE for a batch over max.message.bytes', async () => {
    const c = await open();
    const r = await produce(c, 'target', 0, batch(['big'], MESSAGE_MAX_BYTES + 100));
    assert.equal(r.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    c.close();
    await brokerStillServes();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for an unknown topic and an out-of-range partition', async () => {
    const c = await open();
    assert.equal((await produce(c, 'nope', 0, batch(['x']))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal((await produce(c, 'target', 7, batch(['x']))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const meta = await c.request<MetadataResponse.MetadataResponseData>(
      ApiKey.Metadata,
      12,
      MetadataRequest.create({ topics: [MetadataRequest.createMetadataRequestTopic({ name: 'nope' })] }),
    );
    assert.equal(meta.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'auto-creation is disabled');
    c.close();
    await brokerStillServes();
  });

  it('answers INVALID_TOPIC_EXCEPTION for an invalid topic name', async () => {
    const c = await open();
    const r = await c.request<CreateTopicsResponse.CreateTopicsResponseData>(
      ApiKey.CreateTopics,
      7,
      CreateTopicsRequest.create({ topics: [CreateTopicsRequest.createCreatableTopic({ name: 'no/slashes' })] }),
    );
    assert.equal(r.topics[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
    c.close();
  });

  it('closes the connection when an acks=0 produce fails, and stays open when it succeeds', async () => {
    const acks0 = (c: RawClient, topic: string) =>
      c.encode(
        ApiKey.Produce,
        9,
        ProduceRequest.create({
          acks: 0,
          timeoutMs: 5000,
          topicData: [
            ProduceRequest.createTopicProduceData({
              name: topic,
              partitionData: [ProduceRequest.createPartitionProduceData({ index: 0, records: batch(['zero']) })],
            }),
          ],
        }),
      );
    const ok = await open();
    ok.send(acks0(ok, 'target'));
    const stored = await fetchAt(ok, 0, 0n);
    assert.equal(stored.errorCode, ErrorCode.NONE, 'the connection still serves after a good acks=0 produce');
    assert.equal(stored.highWatermark, 4n, 'the acks=0 record was stored');
    ok.close();
    const bad = await open();
    bad.send(acks0(bad, 'nope'));
    assert.equal(await bad.waitClosed(), true, 'Kafka closes an acks=0 connection whose produce failed');
  });

  it('answers OFFSET_OUT_OF_RANGE for a fetch past the end', async () => {
    const c = await open();
    assert.equal((await fetchAt(c, 0, 1000n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    c.close();
    await brokerStillServes();
  });
});

function withKey(frame: Buffer, apiKey: number): Buffer {
  frame.writeInt16BE(apiKey, 4);
  return frame;
}

function withVersion(frame: Buffer, apiKey: number, version: number): Buffer {
  frame.writeInt16BE(apiKey, 4);
  frame.writeInt16BE(version, 6);
  return frame;
}

function truncated(frame: Buffer): Buffer {
  const out = frame.subarray(0, frame.length - 2);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}
