import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '@fluxo/core';
import { LogManager } from '@fluxo/storage';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { GroupService } from '../../src/groups/group-service.js';
import { createLogger } from '../../src/log/logger.js';
import { DynamicBrokerConfigs } from '../../src/metadata/dynamic-broker-configs.js';
import { FileTopicRegistry } from '../../src/metadata/file-topic-registry.js';
import { ProducerIdManager } from '../../src/producer-ids/producer-id-manager.js';
import type { BrokerServices } from '../../src/services.js';

/** Real services (file registry, LogManager) over a temp dir, for calling handlers without sockets. */
export async function makeServices(
  settings: Record<string, string> = {},
  clock: Clock = systemClock,
): Promise<{ broker: BrokerServices; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-handlers-'));
  const config = loadBrokerConfig([new Map(Object.entries({ 'log.dirs': dir, ...settings }))]);
  const logs = await LogManager.open({ logDirs: config.logDirs, clock, defaults: config.logDefaults });
  const dynamicConfigs = DynamicBrokerConfigs.load(dir, config);
  const topics = FileTopicRegistry.open(dir);
  const groups = GroupService.open({
    clock,
    topics,
    logs,
    dynamicConfigs,
    settings: config.groupCoordinator,
    logger: createLogger({ level: 'error' }),
  });
  const broker: BrokerServices = {
    nodeId: config.nodeId,
    clusterId: 'test-cluster-id-000000',
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
    async close() {
      groups.close();
      await logs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
