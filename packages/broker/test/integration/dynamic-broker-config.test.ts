import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { AlterConfigsRequest, type AlterConfigsResponse, ApiKey } from '@fluxo/protocol';
import kafkajs from 'kafkajs';
import { RawClient } from '../helpers/raw-client.js';
import { HOST, removeDir, startBroker, tempDir } from './harness.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;

const dataDir = tempDir();
after(() => removeDir(dataDir));

async function withAdmin<T>(f: (admin: kafkajs.Admin, port: number) => Promise<T>): Promise<T> {
  const broker = await startBroker({}, dataDir);
  const admin = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  await admin.connect();
  try {
    return await f(admin, broker.port);
  } finally {
    await admin.disconnect();
    await broker.stop();
  }
}

async function topicRetention(admin: kafkajs.Admin, topic: string) {
  const r = await admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
    includeSynonyms: true,
  });
  const entry = r.resources[0]!.configEntries[0]!;
  return {
    value: entry.configValue,
    source: entry.configSource,
    synonyms: entry.configSynonyms.map((s) => [s.configName, s.configValue, s.configSource]),
  };
}

describe('dynamic broker configs with kafkajs', () => {
  it('a cluster-wide log.retention.ms reaches topics without an override and survives a restart', async () => {
    await withAdmin(async (admin, port) => {
      await admin.createTopics({ topics: [{ topic: 'inherits', numPartitions: 1 }] });
      // kafkajs, librdkafka and @platformatic/kafka all refuse the empty resource name of the
      // cluster-wide default (Kafka's own admin client sends it), so this one request is sent raw.
      const raw = await RawClient.open(HOST, port);
      try {
        const r = await raw.request<AlterConfigsResponse.AlterConfigsResponseData>(
          ApiKey.AlterConfigs,
          2,
          AlterConfigsRequest.create({
            resources: [
              AlterConfigsRequest.createAlterConfigsResource({
                resourceType: 4,
                resourceName: '',
                configs: [AlterConfigsRequest.createAlterableConfig({ name: 'log.retention.ms', value: '120000' })],
              }),
            ],
          }),
        );
        assert.equal(r.responses[0]!.errorCode, 0);
      } finally {
        raw.close();
      }
      assert.deepEqual(await topicRetention(admin, 'inherits'), {
        value: '120000',
        source: 3,
        synonyms: [
          ['log.retention.ms', '120000', 3],
          ['retention.ms', '604800000', 5],
        ],
      });
      await assert.rejects(
        admin.alterConfigs({
          validateOnly: false,
          resources: [
            { type: ConfigResourceTypes.BROKER, name: '1', configEntries: [{ name: 'node.id', value: '7' }] },
          ],
        }),
        { type: 'INVALID_REQUEST' },
        'node.id is not dynamically updatable',
      );
    });
    await withAdmin(async (admin) => {
      assert.equal((await topicRetention(admin, 'inherits')).value, '120000', 'kept across the restart');
      const r = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['log.retention.ms'] }],
        includeSynonyms: false,
      });
      const entry = r.resources[0]!.configEntries[0]!;
      assert.deepEqual([entry.configValue, entry.configSource, entry.readOnly], ['120000', 3, false]);
    });
  });
});
