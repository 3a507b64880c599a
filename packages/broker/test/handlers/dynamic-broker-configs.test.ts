import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AlterConfigsRequest,
  type AlterConfigsResponse,
  ApiKey,
  CreateTopicsRequest,
  DescribeConfigsRequest,
  type DescribeConfigsResponse,
  IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsResponse,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import type { RequestContext } from '../../src/handlers/handler.js';
import { createHandlerTable } from '../../src/handlers/registry.js';
import { DynamicBrokerConfigs } from '../../src/metadata/dynamic-broker-configs.js';
import type { BrokerServices } from '../../src/services.js';
import { makeServices } from '../helpers/services.js';

const table = createHandlerTable();
let broker: BrokerServices;
let close: () => Promise<void>;

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const HOUR_MS = 3_600_000;

before(async () => {
  ({ broker, close } = await makeServices({ 'log.retention.hours': '100' }));
  await call(
    ApiKey.CreateTopics,
    7,
    CreateTopicsRequest.create({
      topics: [
        CreateTopicsRequest.createCreatableTopic({ name: 'plain', numPartitions: 1, replicationFactor: 1 }),
        CreateTopicsRequest.createCreatableTopic({
          name: 'pinned',
          numPartitions: 1,
          replicationFactor: 1,
          configs: [CreateTopicsRequest.createCreatableTopicConfig({ name: 'retention.ms', value: '1000' })],
        }),
      ],
    }),
  );
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

async function alter(resourceName: string, configs: [string, number, string | null][], validateOnly = false) {
  const r = await call<IncrementalAlterConfigsResponse.IncrementalAlterConfigsResponseData>(
    ApiKey.IncrementalAlterConfigs,
    1,
    IncrementalAlterConfigsRequest.create({
      validateOnly,
      resources: [
        IncrementalAlterConfigsRequest.createAlterConfigsResource({
          resourceType: 4,
          resourceName,
          configs: configs.map(([name, op, value]) =>
            IncrementalAlterConfigsRequest.createAlterableConfig({ name, configOperation: op, value }),
          ),
        }),
      ],
    }),
  );
  return r.responses[0]!;
}

async function describeOne(resourceType: number, resourceName: string, keys: string[] | null) {
  const r = await call<DescribeConfigsResponse.DescribeConfigsResponseData>(
    ApiKey.DescribeConfigs,
    4,
    DescribeConfigsRequest.create({
      resources: [
        DescribeConfigsRequest.createDescribeConfigsResource({ resourceType, resourceName, configurationKeys: keys }),
      ],
      includeSynonyms: true,
      includeDocumentation: false,
    }),
  );
  return r.results[0]!;
}

const synonymsOf = (c: DescribeConfigsResponse.DescribeConfigsResourceResult) =>
  c.synonyms.map((s) => [s.name, s.value, s.source]);

describe('dynamic broker configs', () => {
  it('a cluster-wide default reaches topics without an override, and new topics', async () => {
    assert.equal(broker.logs.get('plain', 0)!.config.retentionMs, 100 * HOUR_MS);
    assert.equal((await alter('', [['log.retention.ms', SET, '60000']])).errorCode, 0);
    assert.equal(broker.logs.get('plain', 0)!.config.retentionMs, 60000);
    assert.equal(broker.logs.get('pinned', 0)!.config.retentionMs, 1000, 'a topic override still wins');
    const retention = (await describeOne(2, 'plain', ['retention.ms'])).configs[0]!;
    assert.equal(retention.value, '60000');
    assert.equal(retention.configSource, 3);
    assert.deepEqual(synonymsOf(retention), [
      ['log.retention.ms', '60000', 3],
      ['log.retention.hours', '100', 4],
      ['retention.ms', '604800000', 5],
    ]);
    await call(
      ApiKey.CreateTopics,
      7,
      CreateTopicsRequest.create({
        topics: [CreateTopicsRequest.createCreatableTopic({ name: 'later', numPartitions: 1, replicationFactor: 1 })],
      }),
    );
    assert.equal(broker.logs.get('later', 0)!.config.retentionMs, 60000);
  });

  it('a per-broker value wins over the cluster default; DELETE falls back', async () => {
    assert.equal((await alter('1', [['log.retention.ms', SET, '30000']])).errorCode, 0);
    assert.equal(broker.logs.get('plain', 0)!.config.retentionMs, 30000);
    const onBroker = (await describeOne(4, '1', ['log.retention.ms'])).configs[0]!;
    assert.equal(onBroker.value, '30000');
    assert.equal(onBroker.readOnly, false);
    assert.equal(onBroker.configSource, 2);
    assert.deepEqual(synonymsOf(onBroker), [
      ['log.retention.ms', '30000', 2],
      ['log.retention.ms', '60000', 3],
      ['log.retention.hours', '100', 4],
      ['log.retention.hours', '168', 5],
    ]);
    const clusterDefault = await describeOne(4, '', null);
    assert.deepEqual(
      clusterDefault.configs.map((c) => [c.name, c.value, c.configSource]),
      [['log.retention.ms', '60000', 3]],
    );
    const plain = (await describeOne(2, 'plain', ['retention.ms'])).configs[0]!;
    assert.deepEqual(
      synonymsOf(plain).map((s) => s[2]),
      [2, 3, 4, 5],
    );
    assert.equal((await alter('1', [['log.retention.ms', DELETE, null]])).errorCode, 0);
    assert.equal(broker.logs.get('plain', 0)!.config.retentionMs, 60000);
    assert.equal((await describeOne(4, '1', ['num.partitions'])).configs[0]!.readOnly, true);
  });

  it('refuses settings that are not dynamic, naming them', async () => {
    const r = await alter('', [
      ['num.partitions', SET, '3'],
      ['log.dirs', SET, '/tmp/x'],
      ['log.segment.bytes', SET, '2000000'],
      ['log.retention.hours', SET, '1'],
    ]);
    assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal(
      r.errorMessage,
      'Cannot update these configs dynamically: num.partitions, log.dirs, log.retention.hours',
    );
    assert.equal(broker.logs.get('plain', 0)!.config.segmentBytes, 1073741824, 'nothing applied');
  });

  it('refuses invalid values with INVALID_CONFIG and applies nothing on validateOnly', async () => {
    assert.equal((await alter('', [['log.retention.ms', SET, 'soon']])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter('', [['log.segment.bytes', SET, '1']])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter('', [['log.message.timestamp.type', SET, 'Never']])).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter('', [['log.segment.bytes', SET, '2000000']], true)).errorCode, 0);
    assert.equal(broker.logs.get('plain', 0)!.config.segmentBytes, 1073741824);
    assert.equal(broker.logs.get('plain', 0)!.config.retentionMs, 60000);
  });

  it('appends to list settings', async () => {
    assert.equal((await alter('', [['log.cleanup.policy', APPEND, 'compact']])).errorCode, 0);
    assert.deepEqual(broker.logs.get('plain', 0)!.config.cleanupPolicy, ['delete', 'compact']);
    assert.equal(
      (await alter('', [['log.segment.bytes', APPEND, '1']])).errorCode,
      ErrorCode.INVALID_CONFIG,
      'append on a non-list',
    );
  });

  it('refuses another broker id in alter and describe', async () => {
    const r = await alter('2', [['log.retention.ms', SET, '1']]);
    assert.equal(r.errorCode, ErrorCode.INVALID_REQUEST);
    assert.match(r.errorMessage ?? '', /Unexpected broker id/);
    assert.equal((await describeOne(4, '2', null)).errorCode, ErrorCode.INVALID_REQUEST);
  });

  it('legacy AlterConfigs replaces the whole layer; the layers survive a reload', async () => {
    const r = await call<AlterConfigsResponse.AlterConfigsResponseData>(
      ApiKey.AlterConfigs,
      2,
      AlterConfigsRequest.create({
        resources: [
          AlterConfigsRequest.createAlterConfigsResource({
            resourceType: 4,
            resourceName: '',
            configs: [AlterConfigsRequest.createAlterableConfig({ name: 'log.retention.bytes', value: '5000' })],
          }),
        ],
      }),
    );
    assert.equal(r.responses[0]!.errorCode, 0);
    assert.equal(broker.logs.get('plain', 0)!.config.retentionBytes, 5000);
    assert.equal(
      broker.logs.get('plain', 0)!.config.retentionMs,
      100 * HOUR_MS,
      'log.retention.ms went with the layer',
    );
    const reloaded = DynamicBrokerConfigs.load(broker.config.logDirs[0]!, broker.config);
    assert.deepEqual([...reloaded.layer('cluster')], [['log.retention.bytes', '5000']]);
    assert.deepEqual([...reloaded.layer('broker')], []);
    assert.equal(reloaded.logDefaults.retentionBytes, 5000);
  });
});
