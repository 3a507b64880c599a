import { InvalidConfigError, type LogConfig, logConfigFromBrokerProperties } from '@fluxo/storage';
import type { BrokerConfig, ListenerAddress } from './broker-config.js';
import { ConfigError } from './config-error.js';
import { SETTINGS, type SettingSpec, settingSpec } from './settings.js';

const LONG_MAX_AS_NUMBER = Number.MAX_SAFE_INTEGER;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const HOUR_MS = 3_600_000;

/**
 * Builds the broker config from layers of explicit settings, later layers
 * winning (file, then FLUXO_* environment, then flags). Unknown names and
 * values that do not parse or are out of range stop start-up.
 */
export function loadBrokerConfig(layers: readonly ReadonlyMap<string, string>[]): BrokerConfig {
  const explicit = new Map<string, string>();
  for (const layer of layers) {
    for (const [name, value] of layer) {
      const spec = settingSpec(name);
      if (spec === undefined) throw new ConfigError(name, 'unknown setting');
      validateValue(spec, value.trim());
      explicit.set(name, value.trim());
    }
  }
  const values = new Map<string, string>();
  for (const spec of SETTINGS) {
    const value = explicit.get(spec.name) ?? spec.defaultValue;
    if (value !== null) values.set(spec.name, value);
  }
  return buildConfig(values, new Set(explicit.keys()));
}

export function validateValue(spec: SettingSpec, value: string): void {
  const fail = (why: string): never => {
    throw new ConfigError(spec.name, `${why} (got "${value}")`);
  };
  switch (spec.type) {
    case 'int':
    case 'short':
    case 'long': {
      if (!/^-?\d+$/.test(value)) fail(`expected an integer`);
      const n = Number(value);
      if (spec.type === 'int' && (n < INT_MIN || n > INT_MAX)) fail('out of the int range');
      if (spec.type === 'short' && (n < -32768 || n > 32767)) fail('out of the short range');
      if (spec.min !== undefined && n < spec.min) fail(`must be at least ${spec.min}`);
      return;
    }
    case 'double':
      if (Number.isNaN(Number(value)) || value === '') fail('expected a number');
      return;
    case 'boolean':
      if (value !== 'true' && value !== 'false') fail('expected true or false');
      return;
    case 'string':
    case 'list':
      if (spec.oneOf !== undefined && !spec.oneOf.includes(value)) fail(`expected one of ${spec.oneOf.join(', ')}`);
      return;
  }
}

function buildConfig(values: Map<string, string>, explicit: Set<string>): BrokerConfig {
  const text = (name: string): string | null => values.get(name) ?? null;
  const num = (name: string): number => {
    const v = text(name);
    if (v === null) throw new ConfigError(name, 'has no value');
    return Math.min(Number(v), LONG_MAX_AS_NUMBER);
  };
  const optNum = (name: string): number | null => (text(name) === null ? null : num(name));
  const list = (name: string): string[] =>
    (text(name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');

  const nodeId = optNum('broker.id') ?? num('node.id');
  const processRoles = list('process.roles');
  for (const role of processRoles) {
    if (role !== 'broker' && role !== 'controller') throw new ConfigError('process.roles', `unknown role "${role}"`);
  }
  if (!processRoles.includes('broker')) {
    throw new ConfigError('process.roles', 'a single-node Fluxo must include the broker role');
  }
  const listeners = text('listeners')!;
  const listener = pickListener('listeners', listeners);
  const advertisedText = text('advertised.listeners');
  const advertisedListener = advertisedText === null ? listener : pickListener('advertised.listeners', advertisedText);
  if (advertisedListener.port === 0 && advertisedText !== null) {
    throw new ConfigError('advertised.listeners', 'port 0 cannot be advertised');
  }
  const logDirs = values.has('log.dirs') ? list('log.dirs') : [text('log.dir')!];
  if (logDirs.length === 0) throw new ConfigError('log.dirs', 'needs at least one directory');
  if (logDirs.length > 1) throw new ConfigError('log.dirs', 'Fluxo supports one log directory for now (JBOD later)');

  const retentionMs =
    optNum('log.retention.ms') ??
    (text('log.retention.minutes') !== null
      ? num('log.retention.minutes') * 60_000
      : num('log.retention.hours') * HOUR_MS);
  return {
    nodeId,
    listeners,
    logDirs,
    numPartitions: num('num.partitions'),
    defaultReplicationFactor: num('default.replication.factor'),
    autoCreateTopicsEnable: text('auto.create.topics.enable') === 'true',
    messageMaxBytes: num('message.max.bytes'),
    socketRequestMaxBytes: num('socket.request.max.bytes'),
    processRoles,
    listener,
    advertisedListener,
    brokerRack: text('broker.rack'),
    deleteTopicEnable: text('delete.topic.enable') === 'true',
    logRetentionMs: retentionMs < 0 ? -1 : retentionMs,
    logRetentionBytes: num('log.retention.bytes'),
    logSegmentBytes: num('log.segment.bytes'),
    logRollMs: optNum('log.roll.ms') ?? num('log.roll.hours') * HOUR_MS,
    logRetentionCheckIntervalMs: num('log.retention.check.interval.ms'),
    logFlushIntervalMessages: num('log.flush.interval.messages'),
    logFlushIntervalMs: optNum('log.flush.interval.ms'),
    minInsyncReplicas: num('min.insync.replicas'),
    maxConnections: num('max.connections'),
    maxConnectionsPerIp: num('max.connections.per.ip'),
    queuedMaxRequests: num('queued.max.requests'),
    fetchMaxBytes: num('fetch.max.bytes'),
    maxIncrementalFetchSessionCacheSlots: num('max.incremental.fetch.session.cache.slots'),
    logFlushOffsetCheckpointIntervalMs: num('log.flush.offset.checkpoint.interval.ms'),
    producerIdExpirationMs: num('producer.id.expiration.ms'),
    producerIdExpirationCheckIntervalMs: num('producer.id.expiration.check.interval.ms'),
    logCleaner: {
      enable: text('log.cleaner.enable') === 'true',
      threads: num('log.cleaner.threads'),
      dedupeBufferSize: num('log.cleaner.dedupe.buffer.size'),
      ioBufferSize: num('log.cleaner.io.buffer.size'),
      ioBufferLoadFactor: num('log.cleaner.io.buffer.load.factor'),
      backoffMs: num('log.cleaner.backoff.ms'),
    },
    groupCoordinator: {
      initialRebalanceDelayMs: num('group.initial.rebalance.delay.ms'),
      minSessionTimeoutMs: num('group.min.session.timeout.ms'),
      maxSessionTimeoutMs: num('group.max.session.timeout.ms'),
      maxSize: num('group.max.size'),
      offsetsTopicNumPartitions: num('offsets.topic.num.partitions'),
      offsetsTopicSegmentBytes: num('offsets.topic.segment.bytes'),
      offsetsRetentionMs: num('offsets.retention.minutes') * 60_000,
      offsetsRetentionCheckIntervalMs: num('offsets.retention.check.interval.ms'),
      offsetMetadataMaxBytes: num('offset.metadata.max.bytes'),
    },
    logDefaults: logDefaultsFrom(values),
    values,
    explicit,
  };
}

/** The PLAINTEXT listener of a listeners list; CONTROLLER listeners are not served yet. */
function pickListener(setting: string, value: string): ListenerAddress {
  const parsed = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseListener(setting, s));
  const plain = parsed.filter((l) => l.name !== 'CONTROLLER');
  if (plain.length !== 1) throw new ConfigError(setting, `expected exactly one client listener, got "${value}"`);
  if (plain[0]!.name !== 'PLAINTEXT') {
    throw new ConfigError(setting, `only PLAINTEXT listeners are supported, got ${plain[0]!.name}`);
  }
  return plain[0]!;
}

export function parseListener(setting: string, text: string): ListenerAddress {
  const match = /^([A-Za-z_][A-Za-z0-9_]*):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text);
  if (match === null) throw new ConfigError(setting, `expected NAME://host:port, got "${text}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new ConfigError(setting, `port out of range in "${text}"`);
  const host = match[2]!.startsWith('[') ? match[2]!.slice(1, -1) : match[2]!;
  return { name: match[1]!.toUpperCase(), host, port };
}

function logDefaultsFrom(values: Map<string, string>): LogConfig {
  try {
    return logConfigFromBrokerProperties(Object.fromEntries(values));
  } catch (err) {
    if (err instanceof InvalidConfigError) {
      const setting = /configuration (\S+)/.exec(err.message)?.[1] ?? 'log settings';
      throw new ConfigError(setting, err.message);
    }
    throw err;
  }
}
