import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fluxo/core';
import { LogManager } from '@fluxo/storage';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { DynamicBrokerConfigs } from '../../src/metadata/dynamic-broker-configs.js';
import { FileTopicRegistry } from '../../src/metadata/file-topic-registry.js';
import type { BrokerServices } from '../../src/services.js';

/** Real services (file registry, LogManager) over a temp dir, for calling handlers without sockets. */
export async function makeServices(
  settings: Record<string, string> = {},
): Promise<{ broker: BrokerServices; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-handlers-'));
  const config = loadBrokerConfig([new Map(Object.entries({ 'log.dirs': dir, ...settings }))]);
  const logs = await LogManager.open({ logDirs: config.logDirs, clock: systemClock, defaults: config.logDefaults });
  const broker: BrokerServices = {
    nodeId: config.nodeId,
    clusterId: 'test-cluster-id-000000',
    config,
    dynamicConfigs: DynamicBrokerConfigs.load(dir, config),
    clock: systemClock,
    logs,
    topics: FileTopicRegistry.open(dir),
    advertised: { host: 'localhost', port: 9092 },
  };
  return {
    broker,
    async close() {
      await logs.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
