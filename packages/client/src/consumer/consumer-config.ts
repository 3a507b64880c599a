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
import { type Deserializer, resolveDeserializer, type SerdeName } from '../serde/serializers.js';

export type AutoOffsetReset = 'earliest' | 'latest' | 'none';
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerConfig<K = Buffer | null, V = Buffer | null> extends ClientConfig {
  /** group.id: consumer groups arrive with the broker's group coordinator; until then only assign() works. */
  groupId?: string;
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
    groupId: config.groupId ?? null,
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
