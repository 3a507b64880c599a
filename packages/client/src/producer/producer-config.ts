import { CompressionType } from '@fluxo/protocol';
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
import { type SerdeName, type Serializer, resolveSerializer } from '../serde/serializers.js';
import { DefaultPartitioner, type Partitioner, RoundRobinPartitioner } from './partitioners.js';

export type CompressionName = keyof typeof CompressionType;
export type Acks = 0 | 1 | 'all' | -1;

export interface ProducerConfig<K = Buffer | null, V = Buffer | null> extends ClientConfig {
  /** acks: 0, 1 or 'all' (-1). Default 'all'. */
  acks?: Acks;
  /** linger.ms (default 5, Kafka 4.0's default). */
  lingerMs?: number;
  /** batch.size in bytes (default 16384). */
  batchSize?: number;
  /** compression.type (default none). */
  compressionType?: CompressionName;
  /** delivery.timeout.ms (default 120000): bounds the retries of a record. */
  deliveryTimeoutMs?: number;
  /** max.in.flight.requests.per.connection (default 5; at most 5 with idempotence). */
  maxInFlightRequestsPerConnection?: number;
  /** enable.idempotence (default true; turned off silently when acks is not 'all' and this is not set). */
  enableIdempotence?: boolean;
  /** max.block.ms (default 60000): how long send() waits for metadata or buffer space. */
  maxBlockMs?: number;
  /** buffer.memory in bytes (default 33554432). */
  bufferMemory?: number;
  /** max.request.size in bytes (default 1048576): the largest single record. */
  maxRequestSize?: number;
  /** key.serializer: a name ('string', 'short', 'integer', 'long', 'double', 'bytes', 'json') or an object. */
  keySerializer?: SerdeName | Serializer<K>;
  /** value.serializer */
  valueSerializer?: SerdeName | Serializer<V>;
  /** partitioner: 'default' (murmur2 + sticky), 'round-robin' or an object. */
  partitioner?: 'default' | 'round-robin' | Partitioner;
}

export interface ResolvedProducerConfig<K, V> {
  client: ResolvedClientConfig;
  acks: -1 | 0 | 1;
  lingerMs: number;
  batchSize: number;
  compression: number;
  deliveryTimeoutMs: number;
  maxInFlight: number;
  enableIdempotence: boolean;
  /** True when the user asked for idempotence (then a broker without InitProducerId is an error). */
  idempotenceExplicit: boolean;
  maxBlockMs: number;
  bufferMemory: number;
  maxRequestSize: number;
  keySerializer: Serializer<K>;
  valueSerializer: Serializer<V>;
  partitioner: Partitioner;
}

const PRODUCER_KEYS = [
  ...CLIENT_CONFIG_KEYS,
  'acks',
  'lingerMs',
  'batchSize',
  'compressionType',
  'deliveryTimeoutMs',
  'maxInFlightRequestsPerConnection',
  'enableIdempotence',
  'maxBlockMs',
  'bufferMemory',
  'maxRequestSize',
  'keySerializer',
  'valueSerializer',
  'partitioner',
] as const;

function resolveAcks(value: unknown): -1 | 0 | 1 {
  if (value === undefined || value === 'all' || value === -1) return -1;
  if (value === 0 || value === 1) return value;
  throw new ConfigError('acks', `expected 0, 1 or 'all', got ${JSON.stringify(value)}`);
}

function resolvePartitioner(value: ProducerConfig['partitioner']): Partitioner {
  if (value === undefined || value === 'default') return new DefaultPartitioner();
  if (value === 'round-robin') return new RoundRobinPartitioner();
  if (typeof value === 'object' && value !== null && typeof value.partition === 'function') return value;
  throw new ConfigError('partitioner', "expected 'default', 'round-robin' or an object with partition(context)");
}

/** Validates everything once, at construction, with Kafka's defaults and constraints. */
export function resolveProducerConfig<K, V>(config: ProducerConfig<K, V>): ResolvedProducerConfig<K, V> {
  const client = resolveClientConfig(config);
  rejectUnknownKeys(config, PRODUCER_KEYS);
  const acks = resolveAcks(config.acks);
  const idempotenceExplicit = config.enableIdempotence !== undefined;
  const enableIdempotence = boolSetting('enableIdempotence', config.enableIdempotence, acks === -1);
  const maxInFlight = intSetting(
    'maxInFlightRequestsPerConnection',
    config.maxInFlightRequestsPerConnection,
    5,
    1,
    1000,
  );
  if (enableIdempotence && acks !== -1) {
    throw new ConfigError('acks', "must be 'all' when enableIdempotence is true");
  }
  if (enableIdempotence && maxInFlight > 5) {
    throw new ConfigError('maxInFlightRequestsPerConnection', 'must be at most 5 when enableIdempotence is true');
  }
  const compressionName = enumSetting(
    'compressionType',
    config.compressionType,
    Object.keys(CompressionType) as CompressionName[],
    'none',
  );
  const lingerMs = intSetting('lingerMs', config.lingerMs, 5);
  const deliveryTimeoutMs = intSetting('deliveryTimeoutMs', config.deliveryTimeoutMs, 120_000, 1);
  if (deliveryTimeoutMs < lingerMs + client.requestTimeoutMs) {
    throw new ConfigError('deliveryTimeoutMs', 'must be at least lingerMs + requestTimeoutMs');
  }
  return {
    client,
    acks,
    lingerMs,
    batchSize: intSetting('batchSize', config.batchSize, 16_384, 0, 64 * 1024 * 1024),
    compression: CompressionType[compressionName],
    deliveryTimeoutMs,
    maxInFlight,
    enableIdempotence,
    idempotenceExplicit,
    maxBlockMs: intSetting('maxBlockMs', config.maxBlockMs, 60_000),
    bufferMemory: intSetting('bufferMemory', config.bufferMemory, 32 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    maxRequestSize: intSetting('maxRequestSize', config.maxRequestSize, 1024 * 1024, 1024),
    keySerializer: resolveSerializer('keySerializer', config.keySerializer),
    valueSerializer: resolveSerializer('valueSerializer', config.valueSerializer),
    partitioner: resolvePartitioner(config.partitioner),
  };
}
