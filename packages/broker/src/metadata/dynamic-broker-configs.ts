import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LogConfig, logConfigFromBrokerProperties, TOPIC_CONFIGS } from '@fluxo/storage';
import type { BrokerConfig } from '../config/broker-config.js';
import { settingSpec } from '../config/settings.js';
import { writeFileAtomically } from './atomic-file.js';

export const DYNAMIC_BROKER_CONFIGS_FILE = 'dynamic-broker-configs.json';

/** Dynamic settings per resource: more than this many is a client bug, not a configuration. */
export const DYNAMIC_CONFIGS_MAX = 1000;

/**
 * Broker settings that may change at run time: as Kafka's DynamicLogConfig,
 * the primary broker synonym of each topic config (log.retention.ms, not
 * log.retention.hours/minutes, which Kafka documents as read-only).
 * Everything else changes by editing the properties file and restarting.
 */
export const DYNAMIC_SETTINGS: ReadonlySet<string> = new Set(
  TOPIC_CONFIGS.map((def) => def.brokerSynonyms[0]?.name).filter(
    (n): n is string => n !== undefined && settingSpec(n) !== undefined,
  ),
);

export type DynamicScope = 'cluster' | 'broker';

interface StoredConfigs {
  readonly version: 1;
  readonly clusterDefault: Record<string, string>;
  readonly broker: Record<string, string>;
}

/**
 * The dynamic broker configs of this node: the cluster-wide default (resource
 * name "") and this broker's own (resource name = node.id), persisted in the
 * data dir. Effective value of a setting: per-broker dynamic > cluster
 * default dynamic > static (file/env/flag) > Kafka's default. The immutable
 * `BrokerConfig` is left alone; `logDefaults` here replaces its
 * `logDefaults` wherever topic defaults are resolved.
 */
export class DynamicBrokerConfigs {
  private layers: Record<DynamicScope, ReadonlyMap<string, string>>;
  private defaults: LogConfig;

  private constructor(
    private readonly path: string,
    private readonly config: BrokerConfig,
    stored: StoredConfigs,
  ) {
    this.layers = {
      cluster: new Map(Object.entries(stored.clusterDefault)),
      broker: new Map(Object.entries(stored.broker)),
    };
    this.defaults = this.computeLogDefaults(this.layers.cluster, this.layers.broker);
  }

  /** Reads `<dir>/dynamic-broker-configs.json` (absent: nothing dynamic yet). Throws on a damaged file. */
  static load(dir: string, config: BrokerConfig): DynamicBrokerConfigs {
    const path = join(dir, DYNAMIC_BROKER_CONFIGS_FILE);
    const empty: StoredConfigs = { version: 1, clusterDefault: {}, broker: {} };
    if (!existsSync(path)) return new DynamicBrokerConfigs(path, config, empty);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredConfigs>;
    if (parsed.version !== 1 || typeof parsed.clusterDefault !== 'object' || typeof parsed.broker !== 'object') {
      throw new Error(`${path}: not a dynamic broker configs file`);
    }
    return new DynamicBrokerConfigs(path, config, parsed as StoredConfigs);
  }

  /** Topic defaults with the dynamic layers applied. */
  get logDefaults(): LogConfig {
    return this.defaults;
  }

  layer(scope: DynamicScope): ReadonlyMap<string, string> {
    return this.layers[scope];
  }

  /** Effective text value of a broker setting. */
  value(name: string): string | undefined {
    return this.layers.broker.get(name) ?? this.layers.cluster.get(name) ?? this.config.values.get(name);
  }

  /** Topic defaults if `scope` held `next`; throws storage's InvalidConfigError naming the setting. */
  logDefaultsWith(scope: DynamicScope, next: ReadonlyMap<string, string>): LogConfig {
    return scope === 'cluster'
      ? this.computeLogDefaults(next, this.layers.broker)
      : this.computeLogDefaults(this.layers.cluster, next);
  }

  /** Persists `next` as the whole of `scope` (atomic file replace), then makes it current. */
  replace(scope: DynamicScope, next: ReadonlyMap<string, string>): void {
    const defaults = this.logDefaultsWith(scope, next);
    const layers = { ...this.layers, [scope]: new Map(next) };
    const stored: StoredConfigs = {
      version: 1,
      clusterDefault: Object.fromEntries(layers.cluster),
      broker: Object.fromEntries(layers.broker),
    };
    writeFileAtomically(this.path, `${JSON.stringify(stored, null, 2)}\n`);
    this.layers = layers;
    this.defaults = defaults;
  }

  private computeLogDefaults(cluster: ReadonlyMap<string, string>, broker: ReadonlyMap<string, string>): LogConfig {
    return logConfigFromBrokerProperties({
      ...Object.fromEntries(this.config.values),
      ...Object.fromEntries(cluster),
      ...Object.fromEntries(broker),
    });
  }
}
