import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AlterConfigsRequest,
  ApiKey,
  apiInfo,
  CreatePartitionsRequest,
  CreateTopicsRequest,
  type CreateTopicsResponse,
  DeleteTopicsRequest,
  type DeleteTopicsResponse,
  DescribeConfigsRequest,
  type DescribeConfigsResponse,
  DescribeTopicPartitionsRequest,
  type DescribeTopicPartitionsResponse,
  IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
  MetadataRequest,
  type MetadataResponse,
  Reader,
  Writer,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import type { RequestContext } from '../../src/handlers/handler.js';
import { createHandlerTable } from '../../src/handlers/registry.js';
import type { BrokerServices } from '../../src/services.js';
import { makeServices } from '../helpers/services.js';

const table = createHandlerTable();
let broker: BrokerServices;
let close: () => Promise<void>;

before(async () => {
  ({ broker, close } = await makeServices({ 'num.partitions': '2', 'log.retention.ms': '5000' }));
});
after(() => close());

async function call<T>(apiKey: number, version: number, request: object): Promise<T> {
  const ctx: RequestContext = {
    apiKey,
    apiVersion: version,
    correlationId: 1,
    clientId: 'test',
    connectionId: 1,
    remoteAddress: 'test',
  };
  return (await table.get(apiKey)!.handle(ctx, request, broker)) as T;
}

const topic = (name: string, init: Partial<CreateTopicsRequest.CreatableTopic> = {}) =>
  CreateTopicsRequest.createCreatableTopic({ name, numPartitions: -1, replicationFactor: -1, ...init });

async function createTopics(topics: CreateTopicsRequest.CreatableTopic[], validateOnly = false) {
  const r = await call<CreateTopicsResponse.CreateTopicsResponseData>(
    ApiKey.CreateTopics,
    7,
    CreateTopicsRequest.create({ topics, validateOnly }),
  );
  return r.topics;
}

describe('CreateTopics', () => {
  it('creates with defaults, partitions and configs, and reports them (v5+)', async () => {
    const [a, b] = await createTopics([
      topic('plain'),
      topic('tuned', {
        numPartitions: 3,
        configs: [CreateTopicsRequest.createCreatableTopicConfig({ name: 'retention.ms', value: '1000' })],
      }),
    ]);
    assert.equal(a!.errorCode, 0);
    assert.equal(a!.numPartitions, 2);
    assert.equal(b!.numPartitions, 3);
    assert.equal(b!.configs!.find((c) => c.name === 'retention.ms')?.value, '1000');
    assert.equal(a!.configs!.find((c) => c.name === 'retention.ms')?.value, '5000', 'broker default applies');
    assert.equal(broker.topics.get('tuned')?.topicId, b!.topicId);
    for (let p = 0; p < 3; p++) assert.ok(broker.logs.get('tuned', p), `log tuned-${p} exists`);
  });

  it('answers each mistake with the Kafka error', async () => {
    const results = await createTopics([
      topic('plain'),
      topic('bad name'),
      topic('x'.repeat(250)),
      topic('rf3', { replicationFactor: 3 }),
      topic('zero', { numPartitions: 0 }),
      topic('badcfg', {
        configs: [CreateTopicsRequest.createCreatableTopicConfig({ name: 'retention.ms', value: 'x' })],
      }),
      topic('unknowncfg', {
        configs: [CreateTopicsRequest.createCreatableTopicConfig({ name: 'no.such', value: '1' })],
      }),
      topic('dup'),
      topic('dup'),
    ]);
    assert.deepEqual(
      results.map((r) => [r.name.slice(0, 10), r.errorCode]),
      [
        ['plain', ErrorCode.TOPIC_ALREADY_EXISTS],
        ['bad name', ErrorCode.INVALID_TOPIC_EXCEPTION],
        ['xxxxxxxxxx', ErrorCode.INVALID_TOPIC_EXCEPTION],
        ['rf3', ErrorCode.INVALID_REPLICATION_FACTOR],
        ['zero', ErrorCode.INVALID_PARTITIONS],
        ['badcfg', ErrorCode.INVALID_CONFIG],
        ['unknowncfg', ErrorCode.INVALID_CONFIG],
        ['dup', ErrorCode.INVALID_REQUEST],
        ['dup', ErrorCode.INVALID_REQUEST],
      ],
    );
    for (const name of ['rf3', 'zero', 'badcfg', 'dup']) assert.equal(broker.topics.get(name), undefined);
  });

  it('validateOnly checks but creates nothing', async () => {
    const [r] = await createTopics([topic('dry', { numPartitions: 4 })], true);
    assert.equal(r!.errorCode, 0);
    assert.equal(broker.topics.get('dry'), undefined);
    assert.equal(broker.logs.get('dry', 0), undefined);
  });
});

describe('Metadata', () => {
  it('auto-creates a requested topic when allowed, not otherwise', async () => {
    const ask = (name: string, allow: boolean) =>
      call<MetadataResponse.MetadataResponseData>(
        ApiKey.Metadata,
        12,
        MetadataRequest.create({
          topics: [MetadataRequest.createMetadataRequestTopic({ name })],
          allowAutoTopicCreation: allow,
        }),
      );
    const denied = await ask('auto-no', false);
    assert.equal(denied.topics[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const created = await ask('auto-yes', true);
    assert.equal(created.topics[0]!.errorCode, 0);
    assert.equal(created.topics[0]!.partitions.length, 2);
    assert.equal(created.topics[0]!.partitions[0]!.leaderId, broker.nodeId);
    const invalid = await ask('bad/name', true);
    assert.equal(invalid.topics[0]!.errorCode, ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('finds a topic by id and reports an unknown id', async () => {
    const id = broker.topics.get('tuned')!.topicId;
    const r = await call<MetadataResponse.MetadataResponseData>(
      ApiKey.Metadata,
      12,
      MetadataRequest.create({
        topics: [
          MetadataRequest.createMetadataRequestTopic({ name: null, topicId: id }),
          MetadataRequest.createMetadataRequestTopic({ name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }),
        ],
      }),
    );
    assert.equal(r.topics[0]!.name, 'tuned');
    assert.equal(r.topics[1]!.errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
    assert.equal(r.clusterId, broker.clusterId);
  });
});

describe('configs', () => {
  const describeTopic = async (name: string, keys: string[] | null = null) => {
    const r = await call<DescribeConfigsResponse.DescribeConfigsResponseData>(
      ApiKey.DescribeConfigs,
      4,
      DescribeConfigsRequest.create({
        resources: [
          DescribeConfigsRequest.createDescribeConfigsResource({
            resourceType: 2,
            resourceName: name,
            configurationKeys: keys,
          }),
        ],
        includeSynonyms: true,
      }),
    );
    return r.results[0]!;
  };

  it('describes values with their source and synonyms', async () => {
    const r = await describeTopic('tuned', ['retention.ms', 'segment.bytes']);
    assert.equal(r.errorCode, 0);
    const retention = r.configs.find((c) => c.name === 'retention.ms')!;
    assert.equal(retention.value, '1000');
    assert.equal(retention.configSource, 1);
    assert.deepEqual(
      retention.synonyms.map((s) => [s.name, s.value, s.source]),
      [
        ['retention.ms', '1000', 1],
        ['log.retention.ms', '5000', 4],
        ['retention.ms', '604800000', 5],
      ],
    );
    assert.equal(r.configs.find((c) => c.name === 'segment.bytes')!.configSource, 5);
    assert.equal((await describeTopic('missing')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('incrementally sets, deletes, appends and rejects bad values', async () => {
    const alter = async (configs: [string, number, string | null][], validateOnly = false) => {
      const r = await call<IncrementalAlterConfigsResponse.IncrementalAlterConfigsResponseData>(
        ApiKey.IncrementalAlterConfigs,
        1,
        IncrementalAlterConfigsRequest.create({
          validateOnly,
          resources: [
            IncrementalAlterConfigsRequest.createAlterConfigsResource({
              resourceType: 2,
              resourceName: 'tuned',
              configs: configs.map(([name, op, value]) =>
                IncrementalAlterConfigsRequest.createAlterableConfig({ name, configOperation: op, value }),
              ),
            }),
          ],
        }),
      );
      return r.responses[0]!.errorCode;
    };
    assert.equal(await alter([['segment.bytes', 0, '1048576']]), 0);
    assert.equal(await alter([['cleanup.policy', 2, 'compact']]), 0);
    assert.equal(await alter([['retention.ms', 1, null]]), 0);
    assert.deepEqual(broker.topics.get('tuned')!.configs, {
      'segment.bytes': '1048576',
      'cleanup.policy': 'delete,compact',
    });
    assert.equal(await alter([['segment.bytes', 0, '1']]), ErrorCode.INVALID_CONFIG);
    assert.equal(await alter([['segment.bytes', 2, '1']]), ErrorCode.INVALID_CONFIG, 'append on a non-list');
    assert.equal(await alter([['max.message.bytes', 0, '100']], true), 0);
    assert.equal(broker.topics.get('tuned')!.configs['max.message.bytes'], undefined, 'validateOnly changed nothing');
  });

  it('legacy AlterConfigs replaces the whole override set; broker changes are refused', async () => {
    const r = await call<IncrementalAlterConfigsResponse.IncrementalAlterConfigsResponseData>(
      ApiKey.AlterConfigs,
      1,
      AlterConfigsRequest.create({
        resources: [
          AlterConfigsRequest.createAlterConfigsResource({
            resourceType: 2,
            resourceName: 'tuned',
            configs: [AlterConfigsRequest.createAlterableConfig({ name: 'retention.bytes', value: '100000' })],
          }),
          AlterConfigsRequest.createAlterConfigsResource({
            resourceType: 4,
            resourceName: '1',
            configs: [AlterConfigsRequest.createAlterableConfig({ name: 'num.partitions', value: '3' })],
          }),
        ],
      }),
    );
    assert.deepEqual(
      r.responses.map((x) => x.errorCode),
      [0, ErrorCode.INVALID_REQUEST],
    );
    assert.deepEqual(broker.topics.get('tuned')!.configs, { 'retention.bytes': '100000' });
  });
});

describe('CreatePartitions, DescribeTopicPartitions, DeleteTopics', () => {
  it('grows a topic and refuses shrinking', async () => {
    const r = await call<{ results: { name: string; errorCode: number }[] }>(
      ApiKey.CreatePartitions,
      3,
      CreatePartitionsRequest.create({
        topics: [
          CreatePartitionsRequest.createCreatePartitionsTopic({ name: 'plain', count: 5, assignments: null }),
          CreatePartitionsRequest.createCreatePartitionsTopic({ name: 'tuned', count: 1, assignments: null }),
          CreatePartitionsRequest.createCreatePartitionsTopic({ name: 'nope', count: 2, assignments: null }),
        ],
      }),
    );
    assert.deepEqual(
      r.results.map((x) => x.errorCode),
      [0, ErrorCode.INVALID_PARTITIONS, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    );
    assert.equal(broker.topics.get('plain')!.partitions, 5);
    assert.ok(broker.logs.get('plain', 4));
  });

  it('pages partitions with a cursor', async () => {
    const page = (cursor: DescribeTopicPartitionsRequest.Cursor | null) =>
      call<DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseData>(
        ApiKey.DescribeTopicPartitions,
        0,
        DescribeTopicPartitionsRequest.create({
          topics: [{ name: 'plain' }, { name: 'tuned' }],
          responsePartitionLimit: 4,
          cursor,
        }),
      );
    const first = await page(null);
    assert.deepEqual(
      first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
      [['plain', [0, 1, 2, 3]]],
    );
    assert.deepEqual(first.nextCursor, { topicName: 'plain', partitionIndex: 4 });
    const second = await page(first.nextCursor);
    assert.deepEqual(
      second.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]),
      [
        ['plain', [4]],
        ['tuned', [0, 1, 2]],
      ],
    );
    assert.equal(second.nextCursor, null);
  });

  it('deletes by name and by id, reporting unknown ones', async () => {
    const id = broker.topics.get('tuned')!.topicId;
    const r = await call<DeleteTopicsResponse.DeleteTopicsResponseData>(
      ApiKey.DeleteTopics,
      6,
      DeleteTopicsRequest.create({
        topics: [
          DeleteTopicsRequest.createDeleteTopicState({ name: 'plain' }),
          DeleteTopicsRequest.createDeleteTopicState({ name: null, topicId: id }),
          DeleteTopicsRequest.createDeleteTopicState({ name: 'ghost' }),
        ],
      }),
    );
    assert.deepEqual(
      r.responses.map((x) => [x.name, x.errorCode]),
      [
        ['plain', 0],
        ['tuned', 0],
        ['ghost', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ],
    );
    assert.equal(broker.topics.get('plain'), undefined);
    assert.equal(broker.logs.get('plain', 0), undefined);
    assert.equal(broker.logs.get('tuned', 2), undefined);
  });
});

describe('every admin handler at every version', () => {
  it('encodes its answer to a default request at each advertised version', async () => {
    await createTopics([topic('versions', { configs: [{ name: 'retention.ms', value: '1' }] })]);
    const dataPath: number[] = [ApiKey.Produce, ApiKey.Fetch, ApiKey.ListOffsets, ApiKey.DeleteRecords];
    for (const { apiKey, minVersion, maxVersion } of table.versions()) {
      if (dataPath.includes(apiKey)) continue;
      const api = apiInfo(apiKey)!;
      for (let v = minVersion; v <= maxVersion; v++) {
        const w = new Writer();
        api.request.encode(w, api.request.create(), v);
        const request = api.request.decode(new Reader(w.toBuffer()), v) as object;
        const response = await call<object>(apiKey, v, request);
        assert.doesNotThrow(() => api.response.encode(new Writer(), response, v), `${api.name} v${v}`);
      }
    }
  });
});
