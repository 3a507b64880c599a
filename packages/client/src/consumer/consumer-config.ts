import {
  boolSetting,
  CLIENT_CONFIG_KEYS,
  type ClientConfig,
  enumSetting,
  intSetting,
  type ResolvedClientConfig,
  rejectUnknownKeys,
  resolveClientConfig,
} from '../config.js';
import { ConfigError } from '../errors.js';
import { type Deserializer, resolveDeserializer, type SerdeName } from '../serde/serializers.js';
import type { PartitionAssignor } from './assignors/assignor.js';
import { assignorByName } from './assignors/by-name.js';
import type { AssignorName } from './group-types.js';

export type AutoOffsetReset = 'earliest' | 'latest' | 'none';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerConfig<K = Buffer | null, V = Buffer | null> extends ClientConfig {
  /** group.id: needed for subscribe() and commits. */
  groupId?: string;
  /** group.instance.id: static membership (no LeaveGroup on close; a restart within session.timeout.ms keeps the assignment). */
  groupInstanceId?: string;
  /** session.timeout.ms (default 45000). */
  sessionTimeoutMs?: number;
  /** heartbeat.interval.ms (default 3000). */
  heartbeatIntervalMs?: number;
  /** max.poll.interval.ms (default 300000): longer between polls and the member leaves the group. Also the rebalance timeout. */
  maxPollIntervalMs?: number;
  /** partition.assignment.strategy, in preference order (default ['range', 'cooperative-sticky'] as Kafka 3.x). */
  partitionAssignmentStrategy?: readonly (AssignorName | PartitionAssignor)[];
  /** enable.auto.commit (default true when groupId is set). */
  enableAutoCommit?: boolean;
  /** auto.commit.interval.ms (default 5000). */
  autoCommitIntervalMs?: number;
  /** client.rack: sent in the subscription (ConsumerProtocolSubscription v3 rackId). */
  clientRack?: string;
  /** auto.offset.reset (default 'latest'). */
  autoOffsetReset?: AutoOffsetReset;
  /** fetch.min.bytes (default 1). */
  fetchMinBytes?: number;
  /** fetch.max.bytes (default 52428800). */
  fetchMaxBytes?: number;
  /** fetch.max.wait.ms (default 500). */
  fetchMaxWaitMs?: number;
  /** max.partition.fetch.bytes (default 1048576). */
  maxPartitionFetchBytes?: number;
  /** max.poll.records (default 500). */
  maxPollRecords?: number;
  /** isolation.level (default 'read_uncommitted'). */
  isolationLevel?: IsolationLevel;
  /** check.crcs (default true). */
  checkCrcs?: boolean;
  keyDeserializer?: SerdeName | Deserializer<K>;
  valueDeserializer?: SerdeName | Deserializer<V>;
}

export interface ResolvedConsumerConfig<K, V> {
  client: ResolvedClientConfig;
  groupId: string | null;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  assignors: PartitionAssignor[];
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  clientRack: string | null;
  autoOffsetReset: AutoOffsetReset;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  fetchMaxWaitMs: number;
  maxPartitionFetchBytes: number;
  maxPollRecords: number;
  isolationLevel: 0 | 1;
  checkCrcs: boolean;
  keyDeserializer: Deserializer<K>;
  valueDeserializer: Deserializer<V>;
}

const CONSUMER_KEYS = [
  ...CLIENT_CONFIG_KEYS,
  'groupId',
  'groupInstanceId',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'maxPollIntervalMs',
  'partitionAssignmentStrategy',
  'enableAutoCommit',
  'autoCommitIntervalMs',
  'clientRack',
  'autoOffsetReset',
  'fetchMinBytes',
  'fetchMaxBytes',
  'fetchMaxWaitMs',
  'maxPartitionFetchBytes',
  'maxPollRecords',
  'isolationLevel',
  'checkCrcs',
  'keyDeserializer',
  'valueDeserializer',
] as const;

export function resolveConsumerConfig<K, V>(config: ConsumerConfig<K, V>): ResolvedConsumerConfig<K, V> {
  const client = resolveClientConfig(config);
  rejectUnknownKeys(config, CONSUMER_KEYS);
  return {
    client,
    groupId: optionalString('groupId', config.groupId),
    groupInstanceId: optionalString('groupInstanceId', config.groupInstanceId),
    sessionTimeoutMs: intSetting('sessionTimeoutMs', config.sessionTimeoutMs, 45_000, 1),
    heartbeatIntervalMs: intSetting('heartbeatIntervalMs', config.heartbeatIntervalMs, 3000, 1),
    maxPollIntervalMs: intSetting('maxPollIntervalMs', config.maxPollIntervalMs, 300_000, 1),
    assignors: resolveAssignors(config.partitionAssignmentStrategy),
    enableAutoCommit: boolSetting('enableAutoCommit', config.enableAutoCommit, config.groupId !== undefined),
    autoCommitIntervalMs: intSetting('autoCommitIntervalMs', config.autoCommitIntervalMs, 5000),
    clientRack: optionalString('clientRack', config.clientRack),
    autoOffsetReset: enumSetting('autoOffsetReset', config.autoOffsetReset, ['earliest', 'latest', 'none'], 'latest'),
    fetchMinBytes: intSetting('fetchMinBytes', config.fetchMinBytes, 1),
    fetchMaxBytes: intSetting('fetchMaxBytes', config.fetchMaxBytes, 52_428_800),
    fetchMaxWaitMs: intSetting('fetchMaxWaitMs', config.fetchMaxWaitMs, 500),
    maxPartitionFetchBytes: intSetting('maxPartitionFetchBytes', config.maxPartitionFetchBytes, 1_048_576),
    maxPollRecords: intSetting('maxPollRecords', config.maxPollRecords, 500, 1),
    isolationLevel:
      enumSetting(
        'isolationLevel',
        config.isolationLevel,
        ['read_uncommitted', 'read_committed'],
        'read_uncommitted',
      ) === 'read_committed'
        ? 1
        : 0,
    checkCrcs: boolSetting('checkCrcs', config.checkCrcs, true),
    keyDeserializer: resolveDeserializer('keyDeserializer', config.keyDeserializer),
    valueDeserializer: resolveDeserializer('valueDeserializer', config.valueDeserializer),
  };
}

function optionalString(key: string, value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(key, 'expected a non-empty string');
  return value;
}

function resolveAssignors(value: readonly (AssignorName | PartitionAssignor)[] | undefined): PartitionAssignor[] {
  const list = value ?? ['range', 'cooperative-sticky'];
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigError('partitionAssignmentStrategy', 'expected a non-empty list of assignors');
  }
  return list.map((a) => {
    if (typeof a !== 'string') return a;
    const found = assignorByName(a);
    if (found === undefined) throw new ConfigError('partitionAssignmentStrategy', `unknown assignor "${a}"`);
    return found;
  });
}
