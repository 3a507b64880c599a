import { ErrorCode } from '@fluxo/protocol';
import {
  formatTopicConfigValue,
  parseTopicConfigValue,
  TOPIC_CONFIGS,
  type TopicConfigValue,
  topicConfigDef,
} from './topic-configs.js';

/** A partition's effective topic configuration (Kafka's names camelCased; `*Ms`/`*Bytes` units last). */
export interface LogConfig {
  readonly cleanupPolicy: readonly string[];
  readonly compressionType: string;
  readonly deleteRetentionMs: number;
  readonly fileDeleteDelayMs: number;
  readonly flushMessages: number;
  readonly flushMs: number;
  readonly indexIntervalBytes: number;
  readonly maxCompactionLagMs: number;
  readonly maxMessageBytes: number;
  readonly messageTimestampAfterMaxMs: number;
  readonly messageTimestampBeforeMaxMs: number;
  readonly messageTimestampType: 'CreateTime' | 'LogAppendTime';
  readonly minCleanableDirtyRatio: number;
  readonly minCompactionLagMs: number;
  readonly minInsyncReplicas: number;
  readonly preallocate: boolean;
  readonly retentionBytes: number;
  readonly retentionMs: number;
  readonly segmentBytes: number;
  readonly segmentIndexBytes: number;
  readonly segmentJitterMs: number;
  readonly segmentMs: number;
  readonly uncleanLeaderElectionEnable: boolean;
}

/** A config a client or operator got wrong; Kafka's INVALID_CONFIG (40). */
export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError';
  readonly errorCode = ErrorCode.INVALID_CONFIG;
}

/** "retention.ms" -> "retentionMs" */
export function logConfigKey(name: string): keyof LogConfig {
  return name.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof LogConfig;
}

function fromValues(values: Map<string, TopicConfigValue>): LogConfig {
  const out: Record<string, TopicConfigValue> = {};
  for (const def of TOPIC_CONFIGS) out[logConfigKey(def.name)] = values.get(def.name)!;
  return out as unknown as LogConfig;
}

function parseOrThrow(name: string, raw: string, scale = 1, setting = name): TopicConfigValue {
  const def = topicConfigDef(name);
  if (def === undefined) throw new InvalidConfigError(`Unknown topic config name: ${name}`);
  const parsed = parseTopicConfigValue(def, raw, scale);
  if (!parsed.ok) throw new InvalidConfigError(`Invalid value ${raw} for configuration ${setting}: ${parsed.reason}`);
  return parsed.value;
}

/** Kafka's defaults with no broker overrides. */
export const DEFAULT_LOG_CONFIG: LogConfig = fromValues(
  new Map(TOPIC_CONFIGS.map((d) => [d.name, parseOrThrow(d.name, d.defaultValue)])),
);

/**
 * The broker-wide defaults from broker properties (log.retention.hours,
 * log.segment.bytes, message.max.bytes, ...), the first synonym present winning.
 * Throws InvalidConfigError naming the broker setting.
 */
export function logConfigFromBrokerProperties(props: Readonly<Record<string, string | undefined>>): LogConfig {
  const values = new Map<string, TopicConfigValue>();
  for (const def of TOPIC_CONFIGS) {
    const synonym = def.brokerSynonyms.find((s) => props[s.name] !== undefined);
    values.set(
      def.name,
      synonym === undefined
        ? parseOrThrow(def.name, def.defaultValue)
        : parseOrThrow(def.name, props[synonym.name]!, synonym.scale ?? 1, synonym.name),
    );
  }
  return fromValues(values);
}

/** Applies topic-level overrides (by Kafka name) to broker defaults; throws InvalidConfigError. */
export function resolveLogConfig(defaults: LogConfig, overrides: Readonly<Record<string, string>>): LogConfig {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, raw] of Object.entries(overrides)) merged[logConfigKey(name)] = parseOrThrow(name, raw);
  return merged as unknown as LogConfig;
}

/** null when every override is a known topic config with a valid value, else Kafka-style message. */
export function validateTopicConfigs(overrides: Readonly<Record<string, string>>): string | null {
  try {
    resolveLogConfig(DEFAULT_LOG_CONFIG, overrides);
    return null;
  } catch (e) {
    if (e instanceof InvalidConfigError) return e.message;
    throw e;
  }
}

/** The value of one topic config as Kafka prints it (DescribeConfigs). */
export function logConfigValueString(config: LogConfig, name: string): string | undefined {
  if (topicConfigDef(name) === undefined) return undefined;
  return formatTopicConfigValue(config[logConfigKey(name)] as TopicConfigValue);
}
