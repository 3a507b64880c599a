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
  /** max.in.flight.requests.per.connection (default 5; at most 5 unless enableIdempotence is false, as in Kafka 4.0). */
  maxInFlightRequestsPerConnection?: number;
  /** retries (default 2147483647): resends of a batch after a retriable error, within deliveryTimeoutMs. */
  retries?: number;
  /**
   * enable.idempotence (default true). Left unset, it is turned off silently
   * when acks is not 'all' or retries is 0; set to true, those are errors.
   */
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
  /** partitioner: 'default' (murmur2 for keys, KIP-794 uniform sticky without), 'round-robin' or an object. */
  partitioner?: 'default' | 'round-robin' | Partitioner;
  /** partitioner.ignore.keys (default false): the default partitioner places keyed records like keyless ones. */
  partitionerIgnoreKeys?: boolean;
  /** partitioner.adaptive.partitioning.enable (default true): keyless records favour partitions with shorter queues. */
  partitionerAdaptivePartitioningEnable?: boolean;
  /** metadata.max.idle.ms (default 300000): a topic not sent to for this long leaves the periodic metadata refresh. */
  metadataMaxIdleMs?: number;
}

export interface ResolvedProducerConfig<K, V> {
  client: ResolvedClientConfig;
  acks: -1 | 0 | 1;
  lingerMs: number;
  batchSize: number;
  compression: number;
  deliveryTimeoutMs: number;
  maxInFlight: number;
  retries: number;
  enableIdempotence: boolean;
  /** True when the user asked for idempotence (then a broker without InitProducerId is an error). */
  idempotenceExplicit: boolean;
  maxBlockMs: number;
  bufferMemory: number;
  maxRequestSize: number;
  keySerializer: Serializer<K>;
  valueSerializer: Serializer<V>;
  partitioner: Partitioner;
  metadataMaxIdleMs: number;
}

const PRODUCER_KEYS = [
  ...CLIENT_CONFIG_KEYS,
  'acks',
  'lingerMs',
  'batchSize',
  'compressionType',
  'deliveryTimeoutMs',
  'maxInFlightRequestsPerConnection',
  'retries',
  'enableIdempotence',
  'maxBlockMs',
  'bufferMemory',
  'maxRequestSize',
  'keySerializer',
  'valueSerializer',
  'partitioner',
  'partitionerIgnoreKeys',
  'partitionerAdaptivePartitioningEnable',
  'metadataMaxIdleMs',
] as const;

function resolveAcks(value: unknown): -1 | 0 | 1 {
  if (value === undefined || value === 'all' || value === -1) return -1;
  if (value === 0 || value === 1) return value;
  throw new ConfigError('acks', `expected 0, 1 or 'all', got ${JSON.stringify(value)}`);
}

function resolvePartitioner(config: ProducerConfig<unknown, unknown>, batchSize: number): Partitioner {
  const value = config.partitioner;
  const ignoreKeys = boolSetting('partitionerIgnoreKeys', config.partitionerIgnoreKeys, false);
  const adaptive = boolSetting(
    'partitionerAdaptivePartitioningEnable',
    config.partitionerAdaptivePartitioningEnable,
    true,
  );
  if (value === undefined || value === 'default') return new DefaultPartitioner({ batchSize, ignoreKeys, adaptive });
  if (value === 'round-robin') return new RoundRobinPartitioner();
  if (typeof value === 'object' && value !== null && typeof value.partition === 'function') return value;
  throw new ConfigError('partitioner', "expected 'default', 'round-robin' or an object with partition(context)");
}

/**
 * Kafka 4.0's idempotence rules (ProducerConfig.postProcessAndValidateIdempotenceConfigs):
 * enable.idempotence left unset is turned off by acks other than 'all' or by
 * retries 0; set to true, those conflicts are errors. More than 5 requests in
 * flight is an error unless idempotence is explicitly off.
 */
function resolveIdempotence(
  config: ProducerConfig<unknown, unknown>,
  acks: number,
  retries: number,
  maxInFlight: number,
) {
  const explicit = config.enableIdempotence !== undefined;
  let enabled = boolSetting('enableIdempotence', config.enableIdempotence, true);
  if (enabled && maxInFlight > 5) {
    throw new ConfigError(
      'maxInFlightRequestsPerConnection',
      `must be at most 5 to use the idempotent producer (got ${maxInFlight}; set enableIdempotence: false for more)`,
    );
  }
  if (enabled && retries === 0) {
    if (explicit) throw new ConfigError('retries', 'must be non-zero when enableIdempotence is true');
    enabled = false;
  }
  if (enabled && acks !== -1) {
    if (explicit) throw new ConfigError('acks', "must be 'all' when enableIdempotence is true");
    enabled = false;
  }
  return { enabled, explicit: explicit && enabled };
}

/** Validates everything once, at construction, with Kafka's defaults and constraints. */
export function resolveProducerConfig<K, V>(config: ProducerConfig<K, V>): ResolvedProducerConfig<K, V> {
  const client = resolveClientConfig(config);
  rejectUnknownKeys(config, PRODUCER_KEYS);
  const acks = resolveAcks(config.acks);
  const retries = intSetting('retries', config.retries, 2_147_483_647);
  const maxInFlight = intSetting(
    'maxInFlightRequestsPerConnection',
    config.maxInFlightRequestsPerConnection,
    5,
    1,
    1000,
  );
  const idempotence = resolveIdempotence(config, acks, retries, maxInFlight);
  const compressionName = enumSetting(
    'compressionType',
    config.compressionType,
    Object.keys(CompressionType) as CompressionName[],
    'none',
  );
  const lingerMs = intSetting('lingerMs', config.lingerMs, 5);
  const batchSize = intSetting('batchSize', config.batchSize, 16_384, 0, 64 * 1024 * 1024);
  // Java's KafkaProducer.configureDeliveryTimeout: an explicit value below linger + request timeout is an
  // error; the default is raised to that sum instead.
  const lingerAndRequestMs = Math.min(lingerMs + client.requestTimeoutMs, 2_147_483_647);
  let deliveryTimeoutMs = intSetting('deliveryTimeoutMs', config.deliveryTimeoutMs, 120_000, 1);
  if (deliveryTimeoutMs < lingerAndRequestMs) {
    if (config.deliveryTimeoutMs !== undefined) {
      throw new ConfigError(
        'deliveryTimeoutMs',
        `${deliveryTimeoutMs} must be at least lingerMs + requestTimeoutMs (${lingerAndRequestMs})`,
      );
    }
    deliveryTimeoutMs = lingerAndRequestMs;
  }
  const maxRequestSize = intSetting('maxRequestSize', config.maxRequestSize, 1024 * 1024, 1);
  const bufferMemory = intSetting('bufferMemory', config.bufferMemory, 32 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER);
  return {
    client,
    acks,
    lingerMs,
    batchSize,
    compression: CompressionType[compressionName],
    deliveryTimeoutMs,
    maxInFlight,
    retries,
    enableIdempotence: idempotence.enabled,
    idempotenceExplicit: idempotence.explicit,
    maxBlockMs: intSetting('maxBlockMs', config.maxBlockMs, 60_000),
    bufferMemory,
    maxRequestSize,
    keySerializer: resolveSerializer('keySerializer', config.keySerializer),
    valueSerializer: resolveSerializer('valueSerializer', config.valueSerializer),
    partitioner: resolvePartitioner(config as ProducerConfig<unknown, unknown>, batchSize),
    metadataMaxIdleMs: intSetting('metadataMaxIdleMs', config.metadataMaxIdleMs, 300_000, 5000),
  };
}
