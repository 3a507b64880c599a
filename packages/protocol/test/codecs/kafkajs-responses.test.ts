/**
 * Cross-check the other way: responses written by our generated encoders
 * (header v0 + body, as a broker sends them) are read by kafkajs's own response
 * decoders at every version kafkajs supports, and the values must match.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import {
  ApiVersionsResponse,
  FetchResponse,
  ListOffsetsResponse,
  MetadataResponse,
  ProduceResponse,
  Reader,
  ResponseHeader,
  Writer,
  responseHeaderVersion,
} from '../../src/index.js';
import { kafkaJsApi, kafkaJsRecordBatch, kafkaJsVersions } from './kafka-js.js';

const require = createRequire(import.meta.url);

interface Codec<T> {
  apiKey: number;
  encode(w: Writer, m: T, version: number): void;
}

/** Frames a response as a broker would, then strips size and header as kafkajs's connection does. */
function kafkaJsPayload<T>(codec: Codec<T>, body: T, version: number, correlationId: number): Buffer {
  assert.equal(responseHeaderVersion(codec.apiKey, version), 0, 'kafkajs reads header v0 only');
  const w = new Writer();
  w.writeInt32(0);
  ResponseHeader.encode(w, ResponseHeader.create({ correlationId }), 0);
  codec.encode(w, body, version);
  w.patchInt32(0, w.length - 4);
  const frame = w.toBuffer();
  const r = new Reader(frame);
  assert.equal(r.readInt32(), frame.length - 4);
  assert.equal(r.readInt32(), correlationId);
  return frame.subarray(8);
}

// biome-ignore lint/suspicious/noExplicitAny: kafkajs's decoded responses are untyped JSON-like data
async function kafkaJsDecode(folder: string, version: number, payload: Buffer): Promise<any> {
  const { response } = kafkaJsApi(folder).protocol({ version })({
    topics: [],
    topicData: [],
    groupId: 'g',
  });
  return response.decode(payload);
}

describe('our response encoders → kafkajs response decoders', () => {
  test('ApiVersions', async () => {
    const body = ApiVersionsResponse.create({
      errorCode: 0,
      throttleTimeMs: 12,
      apiKeys: [
        ApiVersionsResponse.createApiVersion({ apiKey: 0, minVersion: 3, maxVersion: 11 }),
        ApiVersionsResponse.createApiVersion({ apiKey: 18, minVersion: 0, maxVersion: 4 }),
      ],
    });
    for (const version of kafkaJsVersions('apiVersions')) {
      const decoded = await kafkaJsDecode(
        'apiVersions',
        version,
        kafkaJsPayload(ApiVersionsResponse, body, version, 5),
      );
      assert.equal(decoded.errorCode, 0);
      assert.deepEqual(decoded.apiVersions, [
        { apiKey: 0, minVersion: 3, maxVersion: 11 },
        { apiKey: 18, minVersion: 0, maxVersion: 4 },
      ]);
      if (version >= 1) assert.equal(decoded.clientSideThrottleTime ?? decoded.throttleTime, 12);
    }
  });

  test('Metadata', async () => {
    const body = MetadataResponse.create({
      throttleTimeMs: 3,
      clusterId: 'cluster-x',
      controllerId: 2,
      brokers: [
        MetadataResponse.createMetadataResponseBroker({ nodeId: 1, host: 'b1', port: 9092, rack: 'r1' }),
        MetadataResponse.createMetadataResponseBroker({ nodeId: 2, host: 'b2', port: 9093, rack: null }),
      ],
      topics: [
        MetadataResponse.createMetadataResponseTopic({
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [
            MetadataResponse.createMetadataResponsePartition({
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 5,
              replicaNodes: [1, 2],
              isrNodes: [1],
              offlineReplicas: [2],
            }),
          ],
        }),
      ],
    });
    for (const version of kafkaJsVersions('metadata')) {
      const decoded = await kafkaJsDecode('metadata', version, kafkaJsPayload(MetadataResponse, body, version, 6));
      assert.deepEqual(
        decoded.brokers.map((b: { nodeId: number; host: string; port: number }) => [b.nodeId, b.host, b.port]),
        [
          [1, 'b1', 9092],
          [2, 'b2', 9093],
        ],
      );
      if (version >= 1) {
        assert.equal(decoded.brokers[0].rack, 'r1');
        assert.equal(decoded.brokers[1].rack, null);
        assert.equal(decoded.controllerId, 2);
      }
      if (version >= 2) assert.equal(decoded.clusterId, 'cluster-x');
      const [topic] = decoded.topicMetadata;
      assert.equal(topic.topic, 'orders');
      assert.equal(topic.topicErrorCode, 0);
      const [partition] = topic.partitionMetadata;
      assert.equal(partition.partitionId, 0);
      assert.equal(partition.leader, 1);
      assert.deepEqual(partition.replicas, [1, 2]);
      assert.deepEqual(partition.isr, [1]);
      if (version >= 5) assert.deepEqual(partition.offlineReplicas, [2]);
    }
  });

  test('Produce', async () => {
    const body = ProduceResponse.create({
      throttleTimeMs: 9,
      responses: [
        ProduceResponse.createTopicProduceResponse({
          name: 'orders',
          partitionResponses: [
            ProduceResponse.createPartitionProduceResponse({
              index: 3,
              errorCode: 0,
              baseOffset: 9_007_199_254_740_993n,
              logAppendTimeMs: 1_700_000_000_000n,
              logStartOffset: 17n,
            }),
          ],
        }),
      ],
    });
    for (const version of kafkaJsVersions('produce')) {
      const decoded = await kafkaJsDecode('produce', version, kafkaJsPayload(ProduceResponse, body, version, 7));
      const [topic] = decoded.topics;
      assert.equal(topic.topicName, 'orders');
      const [p] = topic.partitions;
      assert.equal(p.partition, 3);
      assert.equal(p.errorCode, 0);
      assert.equal(p.offset ?? p.baseOffset, '9007199254740993');
      if (version >= 2) assert.equal(p.timestamp ?? p.logAppendTime, '1700000000000');
      if (version >= 5) assert.equal(p.logStartOffset, '17');
      if (version >= 1) assert.equal(decoded.clientSideThrottleTime ?? decoded.throttleTime, 9);
    }
  });

  test('Fetch, with record batches kafkajs must unpack', async () => {
    const batch = await kafkaJsRecordBatch([
      { key: 'k1', value: 'v1' },
      { key: 'k2', value: 'v2' },
    ]);
    const legacy = legacyMessageSet([
      { key: 'k1', value: 'v1' },
      { key: 'k2', value: 'v2' },
    ]);
    for (const version of kafkaJsVersions('fetch')) {
      // Non-ignorable fields may only be set where the version carries them (the encoder enforces it).
      const body = FetchResponse.create({
        throttleTimeMs: version >= 1 ? 4 : 0,
        errorCode: 0,
        sessionId: version >= 7 ? 99 : 0,
        responses: [
          FetchResponse.createFetchableTopicResponse({
            topic: 'orders',
            partitions: [
              FetchResponse.createPartitionData({
                partitionIndex: 1,
                errorCode: 0,
                highWatermark: 120n,
                lastStableOffset: version >= 4 ? 110n : -1n,
                logStartOffset: version >= 5 ? 5n : -1n,
                abortedTransactions:
                  version >= 4 ? [FetchResponse.createAbortedTransaction({ producerId: 8n, firstOffset: 100n })] : [],
                preferredReadReplica: version >= 11 ? 2 : -1,
                records: version >= 4 ? batch : legacy,
              }),
            ],
          }),
        ],
      });
      const decoded = await kafkaJsDecode('fetch', version, kafkaJsPayload(FetchResponse, body, version, 8));
      const [topic] = decoded.responses;
      assert.equal(topic.topicName, 'orders');
      const [p] = topic.partitions;
      assert.equal(p.partition, 1);
      assert.equal(p.highWatermark, '120');
      if (version >= 4) {
        assert.equal(p.lastStableOffset, '110');
        assert.deepEqual(p.abortedTransactions, [{ producerId: '8', firstOffset: '100' }]);
      }
      if (version >= 5) assert.equal(p.lastStartOffset, '5');
      if (version >= 11) assert.equal(p.preferredReadReplica, 2);
      if (version >= 7) assert.equal(decoded.sessionId, 99);
      assert.deepEqual(
        p.messages.map((m: { key: Buffer; value: Buffer }) => [m.key.toString(), m.value.toString()]),
        [
          ['k1', 'v1'],
          ['k2', 'v2'],
        ],
        `v${version}`,
      );
    }
  });

  test('ListOffsets', async () => {
    const body = (version: number) =>
      ListOffsetsResponse.create({
        throttleTimeMs: version >= 2 ? 1 : 0,
        topics: [
          ListOffsetsResponse.createListOffsetsTopicResponse({
            name: 'orders',
            partitions: [
              ListOffsetsResponse.createListOffsetsPartitionResponse({
                partitionIndex: 2,
                errorCode: 0,
                // v0 answers with a list of offsets; v1+ with one offset and its timestamp.
                oldStyleOffsets: version === 0 ? [42n] : [],
                timestamp: version >= 1 ? 1_700_000_000_000n : -1n,
                offset: version >= 1 ? 42n : -1n,
              }),
            ],
          }),
        ],
      });
    for (const version of kafkaJsVersions('listOffsets')) {
      const value = body(version);
      const decoded = await kafkaJsDecode(
        'listOffsets',
        version,
        kafkaJsPayload(ListOffsetsResponse, value, version, 9),
      );
      const [topic] = decoded.responses;
      assert.equal(topic.topic, 'orders');
      const [p] = topic.partitions;
      assert.equal(p.partition, 2);
      if (version === 0) assert.deepEqual(p.offsets, ['42']);
      else {
        assert.equal(p.offset, '42');
        assert.equal(p.timestamp, '1700000000000');
      }
      if (version >= 2) assert.equal(decoded.clientSideThrottleTime ?? decoded.throttleTime, 1);
    }
  });
});

/** A magic-1 message set built by kafkajs (what Fetch v0-v3 carries). */
function legacyMessageSet(entries: { key: string; value: string }[]): Buffer {
  const MessageSet = require('kafkajs/src/protocol/messageSet/index.js') as (args: {
    messageVersion: number;
    compression: number;
    entries: { key: string; value: string; timestamp: number }[];
  }) => { buffer: Buffer };
  return MessageSet({
    messageVersion: 1,
    compression: 0,
    entries: entries.map((e) => ({ ...e, timestamp: 1_700_000_000_000 })),
  }).buffer;
}
