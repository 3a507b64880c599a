/**
 * Topic-level configs with Kafka's names, types, defaults (Kafka 4.0),
 * validators and broker-level synonyms. One table serves the log (LogConfig),
 * CreateTopics / AlterConfigs validation and DescribeConfigs output.
 */

export type TopicConfigType = 'long' | 'int' | 'double' | 'boolean' | 'string' | 'list';
export type TopicConfigValue = number | boolean | string | string[];

/** A broker property that supplies a topic config's default; `scale` converts its unit to the topic config's. */
export interface BrokerSynonym {
  readonly name: string;
  readonly scale?: number;
}

export interface TopicConfigDef {
  readonly name: string;
  readonly type: TopicConfigType;
  /** Kafka's default, as Kafka prints it. */
  readonly defaultValue: string;
  /** Broker properties that set the default, highest priority first (Kafka's order). */
  readonly brokerSynonyms: readonly BrokerSynonym[];
  /** Returns a reason when the parsed value is not allowed. */
  readonly validate?: (value: TopicConfigValue) => string | null;
  /** Allowed values of a string or list config. */
  readonly validValues?: readonly string[];
  readonly doc: string;
}

/** Kafka's Long.MAX_VALUE as a JS number (only ever compared, never incremented). */
export const LONG_MAX = Number(2n ** 63n - 1n);
const LONG_MAX_TEXT = '9223372036854775807';
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const atLeast =
  (min: number) =>
  (v: TopicConfigValue): string | null =>
    (v as number) >= min ? null : `must be at least ${min}`;
const between =
  (min: number, max: number) =>
  (v: TopicConfigValue): string | null =>
    (v as number) >= min && (v as number) <= max ? null : `must be between ${min} and ${max}`;

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    defaultValue: 'delete',
    brokerSynonyms: [{ name: 'log.cleanup.policy' }],
    validValues: ['delete', 'compact'],
    doc: 'delete: old segments go by retention; compact: the log cleaner keeps the latest value per key.',
  },
  {
    name: 'compression.type',
    type: 'string',
    defaultValue: 'producer',
    brokerSynonyms: [{ name: 'compression.type' }],
    validValues: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
    doc: 'Final compression of the topic; producer keeps what the producer sent (the only value applied so far).',
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    defaultValue: '86400000',
    brokerSynonyms: [{ name: 'log.cleaner.delete.retention.ms' }],
    validate: atLeast(0),
    doc: 'How long delete tombstones are kept on compacted topics.',
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    defaultValue: '60000',
    brokerSynonyms: [{ name: 'log.segment.delete.delay.ms' }],
    validate: atLeast(0),
    doc: 'Delay before a deleted segment file is removed from disk.',
  },
  {
    name: 'flush.messages',
    type: 'long',
    defaultValue: LONG_MAX_TEXT,
    brokerSynonyms: [{ name: 'log.flush.interval.messages' }],
    validate: atLeast(1),
    doc: 'fsync the log after this many messages.',
  },
  {
    name: 'flush.ms',
    type: 'long',
    defaultValue: LONG_MAX_TEXT,
    brokerSynonyms: [{ name: 'log.flush.interval.ms' }, { name: 'log.flush.scheduler.interval.ms' }],
    validate: atLeast(0),
    doc: 'fsync the log when data has waited this long.',
  },
  {
    name: 'index.interval.bytes',
    type: 'int',
    defaultValue: '4096',
    brokerSynonyms: [{ name: 'log.index.interval.bytes' }],
    validate: atLeast(0),
    doc: 'Bytes between two offset index entries.',
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    defaultValue: LONG_MAX_TEXT,
    brokerSynonyms: [{ name: 'log.cleaner.max.compaction.lag.ms' }],
    validate: atLeast(1),
    doc: 'Longest time a message stays uncompacted.',
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    defaultValue: '1048588',
    brokerSynonyms: [{ name: 'message.max.bytes' }],
    validate: atLeast(0),
    doc: 'Largest record batch the topic accepts.',
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    defaultValue: '3600000',
    brokerSynonyms: [{ name: 'log.message.timestamp.after.max.ms' }],
    validate: atLeast(0),
    doc: 'How far in the future a CreateTime timestamp may be.',
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    defaultValue: LONG_MAX_TEXT,
    brokerSynonyms: [{ name: 'log.message.timestamp.before.max.ms' }],
    validate: atLeast(0),
    doc: 'How far in the past a CreateTime timestamp may be.',
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    defaultValue: 'CreateTime',
    brokerSynonyms: [{ name: 'log.message.timestamp.type' }],
    validValues: ['CreateTime', 'LogAppendTime'],
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps the broker time.',
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    defaultValue: '0.5',
    brokerSynonyms: [{ name: 'log.cleaner.min.cleanable.ratio' }],
    validate: between(0, 1),
    doc: 'Dirty ratio that triggers compaction.',
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    defaultValue: '0',
    brokerSynonyms: [{ name: 'log.cleaner.min.compaction.lag.ms' }],
    validate: atLeast(0),
    doc: 'Shortest time a message stays uncompacted.',
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    defaultValue: '1',
    brokerSynonyms: [{ name: 'min.insync.replicas' }],
    validate: atLeast(1),
    doc: 'Replicas that must acknowledge an acks=all write.',
  },
  {
    name: 'preallocate',
    type: 'boolean',
    defaultValue: 'false',
    brokerSynonyms: [{ name: 'log.preallocate' }],
    doc: 'Preallocate segment files (ignored: segments grow as written).',
  },
  {
    name: 'retention.bytes',
    type: 'long',
    defaultValue: '-1',
    brokerSynonyms: [{ name: 'log.retention.bytes' }],
    doc: 'Size a partition may grow to before old segments are deleted; -1 for no limit.',
  },
  {
    name: 'retention.ms',
    type: 'long',
    defaultValue: '604800000',
    brokerSynonyms: [
      { name: 'log.retention.ms' },
      { name: 'log.retention.minutes', scale: MINUTE_MS },
      { name: 'log.retention.hours', scale: HOUR_MS },
    ],
    validate: atLeast(-1),
    doc: 'Age after which old segments are deleted; -1 for no limit.',
  },
  {
    name: 'segment.bytes',
    type: 'int',
    defaultValue: '1073741824',
    brokerSynonyms: [{ name: 'log.segment.bytes' }],
    validate: atLeast(14),
    doc: 'Size at which a new segment is rolled.',
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    defaultValue: '10485760',
    brokerSynonyms: [{ name: 'log.index.size.max.bytes' }],
    validate: atLeast(8),
    doc: 'Largest offset index per segment; a full index rolls the segment.',
  },
  {
    name: 'segment.jitter.ms',
    type: 'long',
    defaultValue: '0',
    brokerSynonyms: [{ name: 'log.roll.jitter.ms' }, { name: 'log.roll.jitter.hours', scale: HOUR_MS }],
    validate: atLeast(0),
    doc: 'Random jitter subtracted from segment.ms (not applied yet).',
  },
  {
    name: 'segment.ms',
    type: 'long',
    defaultValue: '604800000',
    brokerSynonyms: [{ name: 'log.roll.ms' }, { name: 'log.roll.hours', scale: HOUR_MS }],
    validate: atLeast(1),
    doc: 'Age at which a new segment is rolled even if not full.',
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    defaultValue: 'false',
    brokerSynonyms: [{ name: 'unclean.leader.election.enable' }],
    doc: 'Allow an out-of-sync replica to become leader (single node: no effect).',
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

export type ParsedConfig = { ok: true; value: TopicConfigValue } | { ok: false; reason: string };

/** Parses and validates one value the way Kafka's ConfigDef does for that type. */
export function parseTopicConfigValue(def: TopicConfigDef, raw: string, scale = 1): ParsedConfig {
  const text = raw.trim();
  let value: TopicConfigValue;
  switch (def.type) {
    case 'long':
    case 'int': {
      if (!/^-?\d+$/.test(text)) return { ok: false, reason: `${raw} is not a whole number` };
      const n = Number(text) * scale;
      const limit = def.type === 'int' ? 2 ** 31 - 1 : LONG_MAX;
      if (n > limit || n < -limit - 1) return { ok: false, reason: `${raw} is out of range for type ${def.type}` };
      value = n;
      break;
    }
    case 'double': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return { ok: false, reason: `${raw} is not a number` };
      value = n;
      break;
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower !== 'true' && lower !== 'false') return { ok: false, reason: `${raw} is not true or false` };
      value = lower === 'true';
      break;
    }
    case 'string':
      value = text;
      if (def.validValues && !def.validValues.includes(text))
        return { ok: false, reason: `${raw} is not one of ${def.validValues.join(', ')}` };
      break;
    case 'list': {
      const items = text === '' ? [] : text.split(',').map((s) => s.trim());
      const bad = def.validValues ? items.find((i) => !def.validValues!.includes(i)) : undefined;
      if (bad !== undefined) return { ok: false, reason: `${bad} is not one of ${def.validValues!.join(', ')}` };
      value = items;
      break;
    }
  }
  const reason = def.validate?.(value) ?? null;
  return reason === null ? { ok: true, value } : { ok: false, reason };
}

/** Kafka's printed form of a parsed value (DescribeConfigs). */
export function formatTopicConfigValue(value: TopicConfigValue): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number' && value >= LONG_MAX) return LONG_MAX_TEXT;
  return String(value);
}
