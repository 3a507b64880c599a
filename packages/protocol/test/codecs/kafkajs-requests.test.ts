/**
 * Cross-check with an independent implementation: frames built by kafkajs's own
 * request encoders (size + header v1 + body, exactly as kafkajs sends them) are
 * decoded by our generated RequestHeader and request codecs, at every version
 * kafkajs can send, and every field must equal what was handed to kafkajs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API_TABLE, Reader, RequestHeader, apiInfo, readBatchHeader, requestHeaderVersion } from '../../src/index.js';
import { kafkaJsApi, kafkaJsFrame, kafkaJsRecordBatch, kafkaJsVersions } from './kafka-js.js';

/** Asserts every key of `expected` (recursively; arrays element-wise and same length) matches `actual`. */
function assertSubset(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    for (const [i, e] of expected.entries()) assertSubset(actual[i], e, `${path}[${i}]`);
  } else if (expected !== null && typeof expected === 'object' && !Buffer.isBuffer(expected)) {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    for (const [k, e] of Object.entries(expected))
      assertSubset((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
  } else {
    assert.deepStrictEqual(actual, expected, path);
  }
}

const CLIENT_ID = 'kafkajs-crosscheck';

interface Case {
  /** kafkajs's folder under src/protocol/requests. */
  folder: string;
  /** Kafka's API name (our API_TABLE). */
  api: string;
  args: (version: number) => Promise<Record<string, unknown>> | Record<string, unknown>;
  expected: (version: number) => Record<string, unknown>;
}

const groupProtocols = [
  { name: 'range', metadata: Buffer.from([0, 1, 2]) },
  { name: 'roundrobin', metadata: Buffer.from('rr') },
];

const cases: Case[] = [
  {
    folder: 'apiVersions',
    api: 'ApiVersions',
    args: () => ({}),
    expected: () => ({ clientSoftwareName: '', clientSoftwareVersion: '' }),
  },
  {
    folder: 'metadata',
    api: 'Metadata',
    args: () => ({ topics: ['orders', 'pay-ments'], allowAutoTopicCreation: false }),
    expected: (v) => ({
      topics: [{ name: 'orders' }, { name: 'pay-ments' }],
      // Before v4 the request cannot say no; Kafka's default (true) applies.
      allowAutoTopicCreation: v < 4,
    }),
  },
  {
    folder: 'produce',
    api: 'Produce',
    args: () => ({
      acks: -1,
      timeout: 30_000,
      transactionalId: 'tx-1',
      producerId: 4242,
      producerEpoch: 3,
      topicData: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              firstSequence: 0,
              messages: [{ key: 'k0', value: 'value-0', timestamp: 1_700_000_000_000 }],
            },
            {
              partition: 5,
              firstSequence: 7,
              messages: [
                { key: 'k1', value: 'value-1', timestamp: 1_700_000_000_001 },
                { key: null, value: 'value-2', timestamp: 1_700_000_000_002 },
              ],
            },
          ],
        },
      ],
    }),
    expected: (v) => ({
      transactionalId: v >= 3 ? 'tx-1' : null,
      acks: -1,
      timeoutMs: 30_000,
      topicData: [{ name: 'orders', partitionData: [{ index: 0 }, { index: 5 }] }],
    }),
  },
  {
    folder: 'fetch',
    api: 'Fetch',
    args: () => ({
      replicaId: -1,
      maxWaitTime: 500,
      minBytes: 1,
      maxBytes: 52_428_800,
      isolationLevel: 0,
      sessionId: 17,
      sessionEpoch: 2,
      rackId: 'rack-a',
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              fetchOffset: '12345678901',
              maxBytes: 1_048_576,
              currentLeaderEpoch: 9,
              logStartOffset: '3',
            },
            { partition: 2, fetchOffset: '0', maxBytes: 65_536, currentLeaderEpoch: 9, logStartOffset: '0' },
          ],
        },
      ],
      forgottenTopics: [{ topic: 'old', partitions: [1, 4] }],
    }),
    expected: (v) => ({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      ...(v >= 3 && { maxBytes: 52_428_800 }),
      ...(v >= 4 && { isolationLevel: 0 }),
      ...(v >= 7 && { sessionId: 17, sessionEpoch: 2, forgottenTopicsData: [{ topic: 'old', partitions: [1, 4] }] }),
      ...(v >= 11 && { rackId: 'rack-a' }),
      topics: [
        {
          topic: 'orders',
          partitions: [
            {
              partition: 0,
              fetchOffset: 12_345_678_901n,
              partitionMaxBytes: 1_048_576,
              currentLeaderEpoch: v >= 9 ? 9 : -1,
              logStartOffset: v >= 5 ? 3n : -1n,
            },
            { partition: 2, fetchOffset: 0n, partitionMaxBytes: 65_536 },
          ],
        },
      ],
    }),
  },
  {
    folder: 'listOffsets',
    api: 'ListOffsets',
    args: () => ({
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, timestamp: -1 },
            { partition: 3, timestamp: '1700000000000' },
          ],
        },
      ],
    }),
    expected: (v) => ({
      replicaId: -1,
      ...(v >= 2 && { isolationLevel: 1 }),
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, timestamp: -1n, ...(v === 0 && { maxNumOffsets: 1 }) },
            { partitionIndex: 3, timestamp: 1_700_000_000_000n },
          ],
        },
      ],
    }),
  },
  {
    folder: 'findCoordinator',
    api: 'FindCoordinator',
    args: () => ({ groupId: 'group-1', coordinatorType: 1 }),
    expected: (v) => ({ key: 'group-1', keyType: v >= 1 ? 1 : 0 }),
  },
  {
    folder: 'joinGroup',
    api: 'JoinGroup',
    args: () => ({
      groupId: 'group-1',
      sessionTimeout: 30_000,
      rebalanceTimeout: 60_000,
      memberId: 'member-1',
      groupInstanceId: 'static-1',
      protocolType: 'consumer',
      groupProtocols,
    }),
    expected: (v) => ({
      groupId: 'group-1',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: v >= 1 ? 60_000 : -1,
      memberId: 'member-1',
      groupInstanceId: v >= 5 ? 'static-1' : null,
      protocolType: 'consumer',
      protocols: groupProtocols,
    }),
  },
  {
    folder: 'syncGroup',
    api: 'SyncGroup',
    args: () => ({
      groupId: 'group-1',
      generationId: 4,
      memberId: 'member-1',
      groupInstanceId: 'static-1',
      groupAssignment: [
        { memberId: 'member-1', memberAssignment: Buffer.from([9, 8, 7]) },
        { memberId: 'member-2', memberAssignment: Buffer.alloc(0) },
      ],
    }),
    expected: (v) => ({
      groupId: 'group-1',
      generationId: 4,
      memberId: 'member-1',
      groupInstanceId: v >= 3 ? 'static-1' : null,
      assignments: [
        { memberId: 'member-1', assignment: Buffer.from([9, 8, 7]) },
        { memberId: 'member-2', assignment: Buffer.alloc(0) },
      ],
    }),
  },
  {
    folder: 'heartbeat',
    api: 'Heartbeat',
    args: () => ({ groupId: 'group-1', groupGenerationId: 4, memberId: 'member-1', groupInstanceId: 'static-1' }),
    expected: (v) => ({
      groupId: 'group-1',
      generationId: 4,
      memberId: 'member-1',
      groupInstanceId: v >= 3 ? 'static-1' : null,
    }),
  },
  {
    folder: 'leaveGroup',
    api: 'LeaveGroup',
    args: () => ({ groupId: 'group-1', memberId: 'member-1', groupInstanceId: 'static-1' }),
    expected: (v) =>
      v >= 3
        ? { groupId: 'group-1', memberId: '', members: [{ memberId: 'member-1', groupInstanceId: 'static-1' }] }
        : { groupId: 'group-1', memberId: 'member-1', members: [] },
  },
  {
    folder: 'offsetCommit',
    api: 'OffsetCommit',
    args: () => ({
      groupId: 'group-1',
      groupGenerationId: 4,
      memberId: 'member-1',
      retentionTime: 86_400_000,
      topics: [
        {
          topic: 'orders',
          partitions: [
            { partition: 0, offset: '42', metadata: 'note' },
            { partition: 1, offset: '9007199254740993' },
          ],
        },
      ],
    }),
    expected: (v) => ({
      groupId: 'group-1',
      generationIdOrMemberEpoch: v >= 1 ? 4 : -1,
      memberId: v >= 1 ? 'member-1' : '',
      retentionTimeMs: v >= 2 && v <= 4 ? 86_400_000n : -1n,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, committedMetadata: 'note' },
            { partitionIndex: 1, committedOffset: 9_007_199_254_740_993n, committedMetadata: null },
          ],
        },
      ],
    }),
  },
  {
    folder: 'offsetFetch',
    api: 'OffsetFetch',
    args: () => ({
      groupId: 'group-1',
      topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 7 }] }],
    }),
    expected: () => ({ groupId: 'group-1', topics: [{ name: 'orders', partitionIndexes: [0, 7] }] }),
  },
  {
    folder: 'createTopics',
    api: 'CreateTopics',
    args: () => ({
      timeout: 7000,
      validateOnly: true,
      topics: [
        {
          topic: 'orders',
          numPartitions: 6,
          replicationFactor: 3,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1, 2, 3] }] },
      ],
    }),
    expected: (v) => ({
      timeoutMs: 7000,
      validateOnly: v >= 1,
      topics: [
        {
          name: 'orders',
          numPartitions: 6,
          replicationFactor: 3,
          assignments: [],
          configs: [
            { name: 'cleanup.policy', value: 'compact' },
            { name: 'retention.ms', value: null },
          ],
        },
        {
          name: 'manual',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 2, 3] }],
          configs: [],
        },
      ],
    }),
  },
  {
    folder: 'deleteTopics',
    api: 'DeleteTopics',
    args: () => ({ topics: ['orders', 'old'], timeout: 9000 }),
    expected: () => ({ topicNames: ['orders', 'old'], timeoutMs: 9000 }),
  },
  {
    folder: 'initProducerId',
    api: 'InitProducerId',
    args: () => ({ transactionalId: 'tx-1', transactionTimeout: 60_000 }),
    expected: () => ({ transactionalId: 'tx-1', transactionTimeoutMs: 60_000 }),
  },
];

/** Decodes a kafkajs frame with our codecs; the frame must be consumed exactly. */
function decodeFrame(frame: Buffer, apiName: string, version: number): Record<string, unknown> {
  const r = new Reader(frame);
  assert.equal(r.readInt32(), frame.length - 4, 'frame size prefix');
  const api = apiInfo(RequestHeader.decode(new Reader(frame, 4), 1).requestApiKey);
  assert.ok(api, 'unknown api key');
  assert.equal(api.name, apiName);
  const header = RequestHeader.decode(r, requestHeaderVersion(api.apiKey, version));
  assert.equal(header.requestApiVersion, version);
  assert.equal(header.correlationId, 1000 + version);
  assert.equal(header.clientId, CLIENT_ID);
  const body = api.request.decode(r, version) as Record<string, unknown>;
  assert.equal(r.remaining, 0, `${r.remaining} bytes left after the body`);
  return body;
}

describe('kafkajs request encoders → our decoders', () => {
  test('all fifteen APIs are known to our table and sent by kafkajs', () => {
    assert.equal(new Set(cases.map((c) => c.api)).size, 15);
    for (const c of cases) {
      assert.ok(
        API_TABLE.some((a) => a.name === c.api),
        c.api,
      );
      assert.ok(kafkaJsVersions(c.folder).length > 0, c.folder);
    }
  });

  for (const c of cases) {
    for (const version of kafkaJsVersions(c.folder)) {
      test(`${c.api} v${version}`, async () => {
        const { request } = kafkaJsApi(c.folder).protocol({ version })(await c.args(version));
        assert.equal(request.apiVersion, version);
        // kafkajs frames every request with header v1; below the first flexible version that is Kafka's rule too.
        assert.equal(requestHeaderVersion(request.apiKey, version), 1);
        const body = decodeFrame(await kafkaJsFrame(request, 1000 + version, CLIENT_ID), c.api, version);
        assertSubset(body, c.expected(version));
      });
    }
  }

  test('Produce record sets carry kafkajs batches that our batch-header reader parses', async () => {
    for (const version of kafkaJsVersions('produce')) {
      const args = await cases.find((c) => c.api === 'Produce')!.args(version);
      const { request } = kafkaJsApi('produce').protocol({ version })(args);
      const body = decodeFrame(await kafkaJsFrame(request, 1000 + version, CLIENT_ID), 'Produce', version);
      const partitions = (body.topicData as { partitionData: { index: number; records: Buffer }[] }[])[0]!
        .partitionData;
      const values = ['value-0', 'value-1', 'value-2'];
      assert.ok(partitions.every((p) => p.records.length > 0));
      const all = Buffer.concat(partitions.map((p) => p.records)).toString('latin1');
      for (const value of values) assert.ok(all.includes(value), `v${version}: ${value} missing from the records`);
      if (version < 3) continue; // v0-v2 carry legacy message sets (magic 0/1)
      const header = readBatchHeader(partitions[1]!.records);
      assert.equal(header.magic, 2);
      assert.equal(header.recordCount, 2);
      assert.equal(header.producerId, 4242n);
      assert.equal(header.producerEpoch, 3);
      assert.equal(header.baseSequence, 7);
      assert.equal(header.batchLength + 12, partitions[1]!.records.length);
    }
  });

  test('a kafkajs record batch is what our code reads as a v2 batch header', async () => {
    const batch = await kafkaJsRecordBatch(
      [
        { key: 'a', value: 'b' },
        { key: 'c', value: 'd' },
        { key: 'e', value: 'f' },
      ],
      { firstTimestamp: 1_700_000_000_000, producerId: 77 },
    );
    const header = readBatchHeader(batch);
    assert.equal(header.recordCount, 3);
    assert.equal(header.lastOffsetDelta, 2);
    assert.equal(header.baseTimestamp, 1_700_000_000_000n);
    assert.equal(header.producerId, 77n);
  });
});
