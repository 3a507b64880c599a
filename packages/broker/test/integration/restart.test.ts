import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ApiKey,
  CreateTopicsRequest,
  type CreateTopicsResponse,
  MetadataRequest,
  type MetadataResponse,
} from '@fluxo/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { HOST, type RunningBroker, removeDir, startBroker, tempDir } from './harness.js';

const dataDir = tempDir();
after(() => removeDir(dataDir));
const REGISTRY = join(dataDir, '__fluxo_topics.json');

async function withClient<T>(broker: RunningBroker, f: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.open(HOST, broker.port);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

const create = (c: RawClient, name: string, numPartitions: number) =>
  c.request<CreateTopicsResponse.CreateTopicsResponseData>(
    ApiKey.CreateTopics,
    7,
    CreateTopicsRequest.create({
      topics: [CreateTopicsRequest.createCreatableTopic({ name, numPartitions, replicationFactor: 1 })],
    }),
  );

const metadata = (c: RawClient) =>
  c.request<MetadataResponse.MetadataResponseData>(ApiKey.Metadata, 12, MetadataRequest.create({ topics: null }));

describe('restart', () => {
  it('refuses a second broker on a data dir in use', async () => {
    const broker = await startBroker({}, dataDir);
    try {
      await assert.rejects(startBroker({}, dataDir), /in use by another Fluxo process/);
    } finally {
      await broker.stop();
    }
    assert.equal(existsSync(join(dataDir, '.lock')), false, 'the lock goes with a clean stop');
  });

  it('reopens every topic with its id and cluster id after a clean stop', async () => {
    let broker = await startBroker({}, dataDir);
    const created = await withClient(broker, async (c) => {
      await create(c, 'alpha', 3);
      await create(c, 'beta', 1);
      return metadata(c);
    });
    await broker.stop();
    broker = await startBroker({}, dataDir);
    const reopened = await withClient(broker, metadata);
    await broker.stop();
    const view = (m: MetadataResponse.MetadataResponseData) =>
      m.topics.map((t) => [t.name, t.topicId, t.partitions.length]).sort();
    assert.deepEqual(view(reopened), view(created));
    assert.equal(reopened.clusterId, created.clusterId);
  });

  it('adopts partition dirs the registry lost instead of deleting their data', async () => {
    const registry = JSON.parse(readFileSync(REGISTRY, 'utf8')) as { topics: { name: string }[] };
    registry.topics = registry.topics.filter((t) => t.name !== 'alpha');
    writeFileSync(REGISTRY, JSON.stringify(registry));
    const broker = await startBroker({}, dataDir);
    const m = await withClient(broker, metadata);
    await broker.stop();
    assert.equal(m.topics.find((t) => t.name === 'alpha')?.partitions.length, 3);
    assert.ok(existsSync(join(dataDir, 'alpha-2')));
  });

  it('finishes a topic deletion cut short by a crash', async () => {
    const registry = JSON.parse(readFileSync(REGISTRY, 'utf8')) as {
      topics: { name: string; topicId: string }[];
      deletedTopicIds?: string[];
    };
    const beta = registry.topics.find((t) => t.name === 'beta')!;
    registry.topics = registry.topics.filter((t) => t.name !== 'beta');
    registry.deletedTopicIds = [beta.topicId];
    writeFileSync(REGISTRY, JSON.stringify(registry));
    const broker = await startBroker({}, dataDir);
    const m = await withClient(broker, metadata);
    await broker.stop();
    assert.equal(
      m.topics.find((t) => t.name === 'beta'),
      undefined,
    );
    assert.equal(existsSync(join(dataDir, 'beta-0')), false);
  });
});
