import { mkdirSync } from 'node:fs';
import { type Clock, systemClock } from '@fluxo/core';
import { LogManager, resolveLogConfig } from '@fluxo/storage';
import { logConfigOf } from './admin/topic-admin.js';
import type { BrokerConfig } from './config/broker-config.js';
import { completeDelayedFetches } from './fetch/delayed-fetch.js';
import { createHandlerTable } from './handlers/registry.js';
import type { Logger } from './log/logger.js';
import { GroupService } from './groups/group-service.js';
import { DataDirLock } from './metadata/data-dir-lock.js';
import { DynamicBrokerConfigs } from './metadata/dynamic-broker-configs.js';
import { FileTopicRegistry } from './metadata/file-topic-registry.js';
import { loadOrCreateMetaProperties } from './metadata/meta-properties.js';
import { RequestDispatcher } from './network/request-dispatcher.js';
import { SocketServer } from './network/socket-server.js';
import { ProducerIdManager } from './producer-ids/producer-id-manager.js';
import type { BrokerServices } from './services.js';

/** Unsent response bytes per connection above which we stop reading its requests. */
const UNSENT_RESPONSE_BYTES_MAX = 64 * 1024 * 1024;

export interface BrokerServerOptions {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/**
 * One single-node broker: metadata and logs opened from the data dir, every
 * registered topic's partitions reopened, then the listener. `stop()` is the
 * graceful path: stop accepting, answer what was read, close the logs (which
 * flushes and writes the recovery checkpoints).
 */
export class BrokerServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly services: BrokerServices,
    private readonly socketServer: SocketServer,
    private readonly logs: LogManager,
    /** The port actually bound (differs from the config when it asks for 0). */
    readonly port: number,
    private readonly logger: Logger,
    private readonly lock: DataDirLock,
  ) {}

  /** host:port clients should bootstrap from. */
  get bootstrap(): string {
    return `${this.services.advertised.host}:${this.services.advertised.port}`;
  }

  static async start(options: BrokerServerOptions): Promise<BrokerServer> {
    const { config } = options;
    const clock = options.clock ?? systemClock;
    const logDir = config.logDirs[0]!;
    mkdirSync(logDir, { recursive: true });
    const lock = DataDirLock.acquire(logDir);
    try {
      return await BrokerServer.open(options, clock, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private static async open(options: BrokerServerOptions, clock: Clock, lock: DataDirLock): Promise<BrokerServer> {
    const { config, logger } = options;
    const logDir = config.logDirs[0]!;
    const meta = loadOrCreateMetaProperties(logDir, config.nodeId);
    const topics = FileTopicRegistry.open(logDir);
    // Dynamic broker configs (AlterConfigs on BROKER) change topic defaults, so they are read before any log opens.
    const dynamic = DynamicBrokerConfigs.load(logDir, config);
    const logs = await LogManager.open({
      logDirs: config.logDirs,
      clock,
      defaults: dynamic.logDefaults,
      configFor: (name) => {
        const topic = topics.get(name);
        return topic === undefined ? undefined : resolveLogConfig(dynamic.logDefaults, topic.configs);
      },
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      checkpointIntervalMs: config.logFlushOffsetCheckpointIntervalMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      producerIdExpirationCheckIntervalMs: config.producerIdExpirationCheckIntervalMs,
      cleaner: config.logCleaner,
      warn: (message, fields) => logger.warn(message, fields),
    });
    const advertised = {
      host: config.advertisedListener.host === '' ? 'localhost' : config.advertisedListener.host,
      port: config.advertisedListener.port,
    };
    await reconcileLogs({ config, dynamicConfigs: dynamic, logs, topics }, topics, logger);
    // Groups and committed offsets come back from __consumer_offsets before the first client connects.
    const groups = GroupService.open({
      clock,
      topics,
      logs,
      dynamicConfigs: dynamic,
      settings: config.groupCoordinator,
      logger,
    });
    const services: BrokerServices = {
      nodeId: config.nodeId,
      clusterId: meta.clusterId,
      config,
      dynamicConfigs: dynamic,
      clock,
      logs,
      topics,
      groups,
      producerIds: ProducerIdManager.open(logDir),
      advertised,
    };
    logs.startBackgroundTasks();

    const dispatcher = new RequestDispatcher(createHandlerTable(), services, logger);
    const socketServer = new SocketServer(
      {
        host: config.listener.host === '' ? '0.0.0.0' : config.listener.host,
        port: config.listener.port,
        connectionsMax: config.maxConnections,
        connectionsPerIpMax: config.maxConnectionsPerIp,
        frameSizeMaxBytes: config.socketRequestMaxBytes,
        inFlightRequestsMax: config.queuedMaxRequests,
        unsentResponseBytesMax: UNSENT_RESPONSE_BYTES_MAX,
        idleTimeoutMs: Number(config.values.get('connections.max.idle.ms')),
      },
      dispatcher,
      logger,
    );
    let port: number;
    try {
      port = await socketServer.listen();
    } catch (err) {
      groups.close();
      await logs.close();
      throw err;
    }
    if (advertised.port === 0 || config.advertisedListener === config.listener) advertised.port = port;
    return new BrokerServer(services, socketServer, logs, port, logger, lock);
  }

  /** Graceful shutdown; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down');
      // Long-polling fetches answer now with what they have, so in-flight requests drain at once.
      const shutdown = this.socketServer.shutdown();
      completeDelayedFetches(this.services);
      // Waiting JoinGroup/SyncGroup calls are answered too (NOT_COORDINATOR: the clients look again).
      this.services.groups.close();
      await shutdown;
      await this.logs.close();
      this.lock.release();
      this.logger.info('shut down cleanly');
    })();
    return this.stopping;
  }
}

/**
 * Makes the logs match the registry. Partition dirs of deleted topics (a
 * delete cut by a crash) are removed; dirs the registry never heard of are
 * adopted rather than deleted, because losing data is worse than showing a
 * topic again; a dir whose topic id contradicts the registry stops start-up.
 * Then every registered partition is opened (created empty if missing).
 */
async function reconcileLogs(
  broker: Pick<BrokerServices, 'config' | 'dynamicConfigs' | 'logs' | 'topics'>,
  registry: FileTopicRegistry,
  logger: Logger,
): Promise<void> {
  for (const log of broker.logs.all()) {
    if (registry.wasDeleted(log.topicId)) {
      logger.info('removing partition of a deleted topic', { topic: log.topic, partition: log.partition });
      await broker.logs.deletePartition(log.topic, log.partition);
      continue;
    }
    const topic = registry.get(log.topic);
    if (topic === undefined) {
      logger.warn('adopting partition the registry does not know', { topic: log.topic, partition: log.partition });
      registry.add({
        name: log.topic,
        topicId: log.topicId,
        partitions: log.partition + 1,
        replicationFactor: 1,
        configs: {},
        isInternal: false,
      });
    } else if (topic.topicId !== log.topicId) {
      throw new Error(
        `partition ${log.topic}-${log.partition} has topic id ${log.topicId} but the registry says ${topic.topicId}`,
      );
    } else if (log.partition >= topic.partitions) {
      logger.warn('adopting partition beyond the registered count', { topic: log.topic, partition: log.partition });
      registry.update({ ...topic, partitions: log.partition + 1 });
    }
  }
  registry.forgetDeleted();
  for (const topic of registry.list()) {
    const config = logConfigOf(broker, topic);
    for (let p = 0; p < topic.partitions; p++) broker.logs.getOrCreate(topic.name, p, topic.topicId, config);
  }
}
