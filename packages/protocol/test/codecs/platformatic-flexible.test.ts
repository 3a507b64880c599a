/**
 * kafkajs stops before Kafka's flexible versions, so the compact encodings,
 * tagged-field sections and uuids are cross-checked against a second independent
 * implementation that speaks them: @platformatic/kafka's per-version request
 * writers and response parsers (ApiVersions v3-4, Metadata v9-12, Produce v9-11,
 * Fetch v12-17), in both directions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as platformatic from '@platformatic/kafka';
import {
  ApiVersionsRequest,
  ApiVersionsResponse,
  FetchRequest,
  FetchResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
  Reader,
  Writer,
  readBatchHeader,
  uuidFromBytes,
} from '../../src/index.js';
import { kafkaJsRecordBatch } from './kafka-js.js';

/** One of @platformatic/kafka's per-version API modules (e.g. `metadataV12`). */
interface PlatformaticApi {
  createRequest(...args: unknown[]): { buffer: Buffer };
  // biome-ignore lint/suspicious/noExplicitAny: the parsed response is untyped data
  parseResponse(correlationId: number, apiKey: number, apiVersion: number, reader: unknown): any;
}

function api(name: string, version: number): PlatformaticApi {
  const found = (platformatic as unknown as Record<string, PlatformaticApi | undefined>)[`${name}V${version}`];
  assert.ok(found, `@platformatic/kafka has no ${name}V${version}`);
  return found;
}

interface Codec<T> {
  decode(r: Reader, version: number): T;
  encode(w: Writer, m: T, version: number): void;
}

function decodeExactly<T>(codec: Codec<T>, bytes: Buffer, version: number): T {
  const r = new Reader(bytes);
  const value = codec.decode(r, version);
  assert.equal(r.remaining, 0, 'bytes left after decode');
  return value;
}

// biome-ignore lint/suspicious/noExplicitAny: see PlatformaticApi
function parseWithPlatformatic<T>(codec: Codec<T>, value: T, name: string, apiKey: number, version: number): any {
  const w = new Writer();
  codec.encode(w, value, version);
  return api(name, version).parseResponse(1, apiKey, version, platformatic.Reader.from(w.toBuffer()));
}

/** Kafka prints uuids as base64url; @platformatic/kafka as hyphenated hex. */
function hexUuid(uuid: string): string {
  return Buffer.from(uuid, 'base64url')
    .toString('hex')
    .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
}
const TOPIC_ID = uuidFromBytes(Buffer.from('0123456789abcdef0123456789abcdef', 'hex'));

describe('@platformatic/kafka requests → our decoders (flexible versions)', () => {
  for (const version of [3, 4]) {
    test(`ApiVersions v${version}`, () => {
      const bytes = api('apiVersions', version).createRequest('fluxo-test', '1.2.3').buffer;
      assert.deepEqual(decodeExactly(ApiVersionsRequest, bytes, version), {
        clientSoftwareName: 'fluxo-test',
        clientSoftwareVersion: '1.2.3',
      });
    });
  }

  // v11 is left out: @platformatic/kafka 1.x writes IncludeClusterAuthorizedOperations at v11 too,
  // a field Kafka's schema ends at v10, so its v11 request is one byte longer than Kafka's (we refuse it).
  for (const version of [9, 10, 12]) {
    test(`Metadata v${version}`, () => {
      const bytes = api('metadata', version).createRequest(['orders', 'pay'], true, true).buffer;
      const decoded = decodeExactly(MetadataRequest, bytes, version);
      assert.deepEqual(
        decoded.topics?.map((t) => t.name),
        ['orders', 'pay'],
      );
      assert.equal(decoded.allowAutoTopicCreation, true);
      assert.equal(decoded.includeTopicAuthorizedOperations, true);
    });
  }

  for (const version of [9, 10, 11]) {
    test(`Produce v${version}`, () => {
      const messages = [
        {
          topic: 'orders',
          partition: 0,
          key: Buffer.from('k0'),
          value: Buffer.from('v0'),
          timestamp: 1_700_000_000_000n,
        },
        {
          topic: 'orders',
          partition: 2,
          key: Buffer.from('k1'),
          value: Buffer.from('v1'),
          timestamp: 1_700_000_000_001n,
        },
        {
          topic: 'orders',
          partition: 2,
          key: Buffer.from('k2'),
          value: Buffer.from('v2'),
          timestamp: 1_700_000_000_002n,
        },
      ];
      const bytes = api('produce', version).createRequest(-1, 1500, messages, { transactionalId: 'tx' }).buffer;
      const decoded = decodeExactly(ProduceRequest, bytes, version);
      assert.equal(decoded.transactionalId, 'tx');
      assert.equal(decoded.acks, -1);
      assert.equal(decoded.timeoutMs, 1500);
      assert.equal(decoded.topicData.length, 1);
      const [topic] = decoded.topicData;
      assert.equal(topic!.name, 'orders');
      assert.deepEqual(
        topic!.partitionData.map((p) => [p.index, p.records && readBatchHeader(p.records).recordCount]),
        [
          [0, 1],
          [2, 2],
        ],
      );
    });
  }

  for (const version of [12, 13, 14, 15, 16, 17]) {
    test(`Fetch v${version}`, () => {
      const byId = version >= 13;
      const topics = [
        {
          topicId: byId ? hexUuid(TOPIC_ID) : 'orders',
          partitions: [
            {
              partition: 4,
              currentLeaderEpoch: 6,
              fetchOffset: 123_456_789_012n,
              lastFetchedEpoch: 5,
              partitionMaxBytes: 1 << 20,
            },
          ],
        },
      ];
      const forgotten = byId ? [{ topic: hexUuid(TOPIC_ID), partitions: [1, 3] }] : [];
      const bytes = api('fetch', version).createRequest(
        500,
        1,
        52_428_800,
        1,
        7,
        3,
        topics,
        forgotten,
        'rack-b',
      ).buffer;
      const decoded = decodeExactly(FetchRequest, bytes, version);
      assert.equal(decoded.maxWaitMs, 500);
      assert.equal(decoded.minBytes, 1);
      assert.equal(decoded.maxBytes, 52_428_800);
      assert.equal(decoded.isolationLevel, 1);
      assert.equal(decoded.sessionId, 7);
      assert.equal(decoded.sessionEpoch, 3);
      assert.equal(decoded.rackId, 'rack-b');
      const [topic] = decoded.topics;
      if (byId) assert.equal(topic!.topicId, TOPIC_ID);
      else assert.equal(topic!.topic, 'orders');
      assert.deepEqual(topic!.partitions[0], {
        ...FetchRequest.createFetchPartition(),
        partition: 4,
        currentLeaderEpoch: 6,
        fetchOffset: 123_456_789_012n,
        lastFetchedEpoch: 5,
        logStartOffset: -1n,
        partitionMaxBytes: 1 << 20,
      });
      if (byId) assert.deepEqual(decoded.forgottenTopicsData[0]?.partitions, [1, 3]);
    });
  }
});

describe('our response encoders → @platformatic/kafka parsers (flexible versions)', () => {
  for (const version of [3, 4]) {
    test(`ApiVersions v${version}`, () => {
      const value = ApiVersionsResponse.create({
        throttleTimeMs: 2,
        apiKeys: [ApiVersionsResponse.createApiVersion({ apiKey: 1, minVersion: 4, maxVersion: 17 })],
      });
      const parsed = parseWithPlatformatic(ApiVersionsResponse, value, 'apiVersions', 18, version);
      assert.equal(parsed.errorCode, 0);
      assert.deepEqual(
        parsed.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [
          k.apiKey,
          k.minVersion,
          k.maxVersion,
        ]),
        [[1, 4, 17]],
      );
      assert.equal(parsed.throttleTimeMs, 2);
    });
  }

  for (const version of [9, 10, 11, 12]) {
    test(`Metadata v${version}`, () => {
      const value = MetadataResponse.create({
        throttleTimeMs: 1,
        clusterId: 'c-1',
        controllerId: 3,
        brokers: [MetadataResponse.createMetadataResponseBroker({ nodeId: 3, host: 'h', port: 9092, rack: null })],
        topics: [
          MetadataResponse.createMetadataResponseTopic({
            name: 'orders',
            topicId: version >= 10 ? TOPIC_ID : undefined,
            partitions: [
              MetadataResponse.createMetadataResponsePartition({
                partitionIndex: 0,
                leaderId: 3,
                leaderEpoch: 4,
                replicaNodes: [3],
                isrNodes: [3],
              }),
            ],
          }),
        ],
      });
      const parsed = parseWithPlatformatic(MetadataResponse, value, 'metadata', 3, version);
      assert.equal(parsed.clusterId, 'c-1');
      assert.equal(parsed.controllerId, 3);
      assert.deepEqual(parsed.brokers, [{ nodeId: 3, host: 'h', port: 9092, rack: null }]);
      const [topic] = parsed.topics;
      assert.equal(topic.name, 'orders');
      if (version >= 10) assert.equal(topic.topicId, hexUuid(TOPIC_ID));
      assert.equal(topic.partitions[0].leaderEpoch, 4);
      assert.deepEqual(topic.partitions[0].isrNodes, [3]);
    });
  }

  for (const version of [9, 10, 11]) {
    test(`Produce v${version}`, () => {
      const value = ProduceResponse.create({
        throttleTimeMs: 5,
        responses: [
          ProduceResponse.createTopicProduceResponse({
            name: 'orders',
            partitionResponses: [
              ProduceResponse.createPartitionProduceResponse({ index: 2, baseOffset: 77n, logStartOffset: 1n }),
            ],
          }),
        ],
      });
      const parsed = parseWithPlatformatic(ProduceResponse, value, 'produce', 0, version);
      assert.equal(parsed.throttleTimeMs, 5);
      const [p] = parsed.responses[0].partitionResponses;
      assert.equal(parsed.responses[0].name, 'orders');
      assert.equal(p.index, 2);
      assert.equal(p.baseOffset, 77n);
      assert.equal(p.logAppendTimeMs, -1n);
      assert.equal(p.logStartOffset, 1n);
    });
  }

  for (const version of [13, 14, 15, 16, 17]) {
    test(`Fetch v${version}, records parsed by platformatic`, async () => {
      const records = await kafkaJsRecordBatch([
        { key: 'a', value: 'one' },
        { key: 'b', value: 'two' },
      ]);
      const value = FetchResponse.create({
        sessionId: 11,
        responses: [
          FetchResponse.createFetchableTopicResponse({
            topicId: TOPIC_ID,
            partitions: [
              FetchResponse.createPartitionData({
                partitionIndex: 4,
                highWatermark: 10n,
                lastStableOffset: 9n,
                logStartOffset: 0n,
                abortedTransactions: [FetchResponse.createAbortedTransaction({ producerId: 5n, firstOffset: 2n })],
                preferredReadReplica: 1,
                currentLeader: FetchResponse.createLeaderIdAndEpoch({ leaderId: 1, leaderEpoch: 8 }),
                records,
              }),
            ],
          }),
        ],
      });
      const parsed = parseWithPlatformatic(FetchResponse, value, 'fetch', 1, version);
      assert.equal(parsed.sessionId, 11);
      const [topic] = parsed.responses;
      assert.equal(topic.topicId, hexUuid(TOPIC_ID));
      const [p] = topic.partitions;
      assert.equal(p.partitionIndex, 4);
      assert.equal(p.highWatermark, 10n);
      assert.equal(p.lastStableOffset, 9n);
      assert.deepEqual(p.abortedTransactions, [{ producerId: 5n, firstOffset: 2n }]);
      assert.equal(p.preferredReadReplica, 1);
      assert.deepEqual(
        p.records[0].records.map((r: { key: Buffer; value: Buffer }) => [r.key.toString(), r.value.toString()]),
        [
          ['a', 'one'],
          ['b', 'two'],
        ],
      );
    });
  }
});
