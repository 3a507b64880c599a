import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@fluxo/core';
import { apiInfo, Reader, Writer } from '@fluxo/protocol';
import { DEFAULT_LOG_CONFIG, LogManager } from '@fluxo/storage';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { GroupService } from '../../src/groups/group-service.js';
import { createLogger } from '../../src/log/logger.js';
import { DynamicBrokerConfigs } from '../../src/metadata/dynamic-broker-configs.js';
import type { ApiHandler, HandlerOutcome, RequestContext } from '../../src/handlers/handler.js';
import { NO_RESPONSE } from '../../src/handlers/handler.js';
import type { TopicInfo, TopicRegistry } from '../../src/metadata/topic-registry.js';
import { ProducerIdManager } from '../../src/producer-ids/producer-id-manager.js';
import type { BrokerServices } from '../../src/services.js';

export const T0 = 1_700_000_000_000;

/** The smallest TopicRegistry: an in-memory map. */
export class MemoryTopicRegistry implements TopicRegistry {
  private readonly byName = new Map<string, TopicInfo>();
  private nextId = 1;
  add(name: string, partitions: number, configs: Record<string, string> = {}): TopicInfo {
    const id = Buffer.alloc(16);
    id.writeUInt32BE(this.nextId++, 12);
    const topic: TopicInfo = {
      name,
      topicId: id.toString('base64url'),
      partitions,
      replicationFactor: 1,
      configs,
      isInternal: false,
    };
    this.byName.set(name, topic);
    return topic;
  }
  get(name: string): TopicInfo | undefined {
    return this.byName.get(name);
  }
  byId(topicId: string): TopicInfo | undefined {
    return [...this.byName.values()].find((t) => t.topicId === topicId);
  }
  list(): TopicInfo[] {
    return [...this.byName.values()];
  }
}

export interface Harness {
  broker: BrokerServices;
  topics: MemoryTopicRegistry;
  clock: ManualClock;
  close(): Promise<void>;
}

export async function makeHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-data-path-'));
  const clock = new ManualClock(T0);
  const logs = await LogManager.open({ logDirs: [dir], clock, defaults: DEFAULT_LOG_CONFIG });
  const topics = new MemoryTopicRegistry();
  // A real config with Kafka's defaults, as the server would build it.
  const config = loadBrokerConfig([new Map([['log.dirs', dir]])]);
  const dynamicConfigs = DynamicBrokerConfigs.load(dir, config);
  const groups = new GroupService({
    clock,
    topics,
    logs,
    dynamicConfigs,
    settings: config.groupCoordinator,
    logger: createLogger({ level: 'error' }),
  });
  const broker: BrokerServices = {
    nodeId: 1,
    clusterId: 'data-path-test-cluster',
    config,
    dynamicConfigs,
    clock,
    logs,
    topics,
    groups,
    producerIds: ProducerIdManager.open(dir),
    advertised: { host: 'localhost', port: 9092 },
  };
  return {
    broker,
    topics,
    clock,
    async close() {
      groups.close();
      await logs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let connectionIds = 1;

/**
 * Calls a handler the way the network layer does: the request goes through
 * the generated encoder and decoder at `version`, and so does the response,
 * so every field must survive that version's wire format.
 */
export async function call<T>(
  handler: ApiHandler,
  version: number,
  request: object,
  broker: BrokerServices,
): Promise<T | typeof NO_RESPONSE> {
  const api = apiInfo(handler.apiKey)!;
  const w = new Writer();
  api.request.encode(w, request, version);
  const decoded = api.request.decode(new Reader(w.toBuffer()), version);
  const ctx: RequestContext = {
    apiKey: handler.apiKey,
    apiVersion: version,
    correlationId: 1,
    clientId: 'data-path-test',
    connectionId: connectionIds++,
    remoteAddress: '127.0.0.1',
  };
  const outcome: HandlerOutcome = await handler.handle(ctx, decoded, broker);
  if (outcome === NO_RESPONSE) return NO_RESPONSE;
  const out = new Writer();
  api.response.encode(out, outcome, version);
  return api.response.decode(new Reader(out.toBuffer()), version) as T;
}

export function versions(handler: ApiHandler): number[] {
  return Array.from({ length: handler.maxVersion - handler.minVersion + 1 }, (_, i) => handler.minVersion + i);
}
