import { type LogConfig, logConfigValueString, TOPIC_CONFIGS, type TopicConfigType } from '@fluxo/storage';
import { SETTINGS, type SettingSpec, type SettingType, settingSpec } from '../config/settings.js';
import { DYNAMIC_SETTINGS } from '../metadata/dynamic-broker-configs.js';
import type { BrokerServices } from '../services.js';

/** DescribeConfigs' ConfigSource values (Kafka's DescribeConfigsResponse.ConfigSource). */
export const ConfigSource = {
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
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
    synonyms.push(
      ...brokerSynonyms(
        broker,
        def.brokerSynonyms.map((s) => s.name),
      ),
    );
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

/**
 * Where a broker setting's values come from, most specific first as Kafka
 * lists them: this broker's dynamic config, the cluster-wide dynamic default,
 * the static setting (file, environment, flag); each source in `names` order.
 */
function brokerSynonyms(broker: BrokerServices, names: readonly string[]): ConfigSynonym[] {
  const dynamic = broker.dynamicConfigs;
  const out: ConfigSynonym[] = [];
  const add = (layer: ReadonlyMap<string, string>, source: number) => {
    for (const name of names) {
      const value = layer.get(name);
      if (value !== undefined) out.push({ name, value, source });
    }
  };
  add(dynamic.layer('broker'), ConfigSource.DYNAMIC_BROKER_CONFIG);
  add(dynamic.layer('cluster'), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
  const explicit = new Map<string, string>();
  for (const name of names) {
    const value = broker.config.values.get(name);
    if (broker.config.explicit.has(name) && value !== undefined) explicit.set(name, value);
  }
  add(explicit, ConfigSource.STATIC_BROKER_CONFIG);
  return out;
}

/**
 * The broker's settings as DescribeConfigs shows them. For this broker's id:
 * every setting with its effective value; dynamically updatable ones are not
 * read-only. For "" (the cluster-wide default), as in Kafka, only the
 * dynamic defaults that are set.
 */
export function brokerConfigEntries(
  broker: BrokerServices,
  keys: readonly string[] | null,
  clusterDefault = false,
): ConfigEntry[] {
  const wanted = keys === null ? null : new Set(keys);
  const dynamic = broker.dynamicConfigs;
  const out: ConfigEntry[] = [];
  for (const spec of SETTINGS) {
    if (wanted !== null && !wanted.has(spec.name)) continue;
    if (clusterDefault) {
      const value = dynamic.layer('cluster').get(spec.name);
      if (value === undefined) continue;
      const source = ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
      out.push(entry(spec, value, source, [{ name: spec.name, value, source }]));
      continue;
    }
    const value = dynamic.value(spec.name) ?? null;
    const group = synonymGroup(spec.name);
    const synonyms = brokerSynonyms(broker, group);
    for (const name of group) {
      const defaultValue = settingSpec(name)?.defaultValue;
      if (defaultValue != null) synonyms.push({ name, value: defaultValue, source: ConfigSource.DEFAULT_CONFIG });
    }
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    out.push(entry(spec, value, source, synonyms));
  }
  return out;
}

/** The broker settings that stand for the same topic default (log.retention.ms/minutes/hours), as Kafka lists them. */
function synonymGroup(name: string): readonly string[] {
  const def = TOPIC_CONFIGS.find((d) => d.brokerSynonyms.some((s) => s.name === name));
  return def === undefined ? [name] : def.brokerSynonyms.map((s) => s.name);
}

function entry(spec: SettingSpec, value: string | null, source: number, synonyms: ConfigSynonym[]): ConfigEntry {
  return {
    name: spec.name,
    value,
    readOnly: !DYNAMIC_SETTINGS.has(spec.name),
    isDefault: source === ConfigSource.DEFAULT_CONFIG,
    configSource: source,
    configType: CONFIG_TYPE[spec.type],
    documentation: spec.ignored === true ? 'Accepted for compatibility; Fluxo does not act on it.' : null,
    synonyms,
  };
}
