import type { Clock } from '@fluxo/core';
import type { LogManager } from '@fluxo/storage';
import type { BrokerConfig } from './config/broker-config.js';
import type { GroupService } from './groups/group-service.js';
import type { DynamicBrokerConfigs } from './metadata/dynamic-broker-configs.js';
import type { TopicRegistry } from './metadata/topic-registry.js';
import type { ProducerIdManager } from './producer-ids/producer-id-manager.js';

/**
 * Everything a handler may use. Built once at start-up by server.ts; tests
 * build it directly to exercise handlers without sockets.
 */
export interface BrokerServices {
  readonly nodeId: number;
  readonly clusterId: string;
  /** Static configuration: file, environment and flags, validated at start-up. */
  readonly config: BrokerConfig;
  /** Dynamic broker configs (AlterConfigs on a BROKER resource), persisted in the data dir, over `config`. */
  readonly dynamicConfigs: DynamicBrokerConfigs;
  readonly clock: Clock;
  /** Partition logs on disk. */
  readonly logs: LogManager;
  /** Topics, their ids, partition counts and configs (the single-node metadata). */
  readonly topics: TopicRegistry;
  /** The group coordinator, its committed offsets and `__consumer_offsets`. */
  readonly groups: GroupService;
  /** Producer ids for InitProducerId, never repeating across restarts. */
  readonly producerIds: ProducerIdManager;
  /** The host:port this broker advertises to clients. */
  readonly advertised: { host: string; port: number };
}
