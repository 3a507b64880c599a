import { type LogConfig, logConfigValueString, TOPIC_CONFIGS, type TopicConfigType } from '@fluxo/storage';
import { SETTINGS, type SettingType } from '../config/settings.js';
import type { BrokerServices } from '../services.js';

/** DescribeConfigs' ConfigSource values (Kafka's DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** DescribeConfigs' ConfigType values. */
const CONFIG_TYPE: Record<TopicConfigType | SettingType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  short: 4,
  long: 5,
  double: 6,
  list: 7,
};

export interface ConfigSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: number;
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string | null;
  readonly readOnly: boolean;
  readonly isDefault: boolean;
  readonly configSource: number;
  readonly configType: number;
  readonly documentation: string | null;
  /** Most specific first, as Kafka lists them. */
  readonly synonyms: ConfigSynonym[];
}

/**
 * A topic's configs as DescribeConfigs/CreateTopics show them: every entry of
 * storage's topic-config table with its effective value and where it comes
 * from (topic override, a broker setting in the properties, or the default).
 */
export function topicConfigEntries(
  broker: BrokerServices,
  overrides: Readonly<Record<string, string>>,
  effective: LogConfig,
  keys: readonly string[] | null,
): ConfigEntry[] {
  const wanted = keys === null ? null : new Set(keys);
  const out: ConfigEntry[] = [];
  for (const def of TOPIC_CONFIGS) {
    if (wanted !== null && !wanted.has(def.name)) continue;
    const synonyms: ConfigSynonym[] = [];
    if (overrides[def.name] !== undefined) {
      synonyms.push({ name: def.name, value: overrides[def.name]!, source: ConfigSource.TOPIC_CONFIG });
    }
    for (const s of def.brokerSynonyms) {
      if (broker.config.explicit.has(s.name)) {
        synonyms.push({
          name: s.name,
          value: broker.config.values.get(s.name) ?? null,
          source: ConfigSource.STATIC_BROKER_CONFIG,
        });
      }
    }
    synonyms.push({ name: def.name, value: def.defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    const source = synonyms[0]!.source;
    out.push({
      name: def.name,
      value: logConfigValueString(effective, def.name) ?? null,
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      configType: CONFIG_TYPE[def.type],
      documentation: def.doc,
      synonyms,
    });
  }
  return out;
}

/** The broker's settings as DescribeConfigs shows them; read-only because they change only by restart. */
export function brokerConfigEntries(broker: BrokerServices, keys: readonly string[] | null): ConfigEntry[] {
  const wanted = keys === null ? null : new Set(keys);
  const out: ConfigEntry[] = [];
  for (const spec of SETTINGS) {
    if (wanted !== null && !wanted.has(spec.name)) continue;
    const value = broker.config.values.get(spec.name) ?? null;
    const explicit = broker.config.explicit.has(spec.name);
    const source = explicit ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
    out.push({
      name: spec.name,
      value,
      readOnly: true,
      isDefault: !explicit,
      configSource: source,
      configType: CONFIG_TYPE[spec.type],
      documentation: spec.ignored === true ? 'Accepted for compatibility; Fluxo does not act on it.' : null,
      synonyms: [{ name: spec.name, value, source }],
    });
  }
  return out;
}
