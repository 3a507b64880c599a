import { InvalidConfigError } from '@fluxo/storage';
import { ConfigError } from '../config/config-error.js';
import { validateValue } from '../config/load-config.js';
import { settingSpec } from '../config/settings.js';
import { ErrorCode } from '@fluxo/protocol';
import { DYNAMIC_CONFIGS_MAX, DYNAMIC_SETTINGS, type DynamicScope } from '../metadata/dynamic-broker-configs.js';
import type { BrokerServices } from '../services.js';
import { type AdminResult, fail, OK } from './admin-result.js';
import type { ConfigChange } from './alter-topic-configs.js';
import { logConfigOf } from './topic-admin.js';

const Op = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

/** "" is the cluster-wide default, this node's id is this broker; any other name is refused as Kafka does. */
export function brokerScopeOf(broker: BrokerServices, resourceName: string): DynamicScope | AdminResult {
  if (resourceName === '') return 'cluster';
  if (resourceName === String(broker.nodeId)) return 'broker';
  if (!/^-?\d+$/.test(resourceName)) {
    return fail(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`);
  }
  return fail(
    ErrorCode.INVALID_REQUEST,
    `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
  );
}

/**
 * Alters the dynamic configs of a BROKER resource: only dynamically
 * updatable settings (INVALID_REQUEST naming the others), values checked
 * against the settings table and storage's topic-config table
 * (INVALID_CONFIG). Applied (unless validateOnly) by persisting the layer,
 * then re-resolving every topic's log config so topics without their own
 * override pick up the new default.
 */
export function alterBrokerConfigs(
  broker: BrokerServices,
  resourceName: string,
  changes: readonly ConfigChange[],
  replaceAll: boolean,
  validateOnly: boolean,
): AdminResult {
  const scope = brokerScopeOf(broker, resourceName);
  if (typeof scope !== 'string') return scope;
  const refused = changes.map((c) => c.name).filter((n) => !DYNAMIC_SETTINGS.has(n));
  if (refused.length > 0) {
    return fail(ErrorCode.INVALID_REQUEST, `Cannot update these configs dynamically: ${refused.join(', ')}`);
  }
  const dynamic = broker.dynamicConfigs;
  const next = replaceAll ? new Map<string, string>() : new Map(dynamic.layer(scope));
  for (const c of changes) {
    const problem = applyChange(next, c, dynamic.value(c.name) ?? '');
    if (problem !== null) return problem;
  }
  if (next.size > DYNAMIC_CONFIGS_MAX) {
    return fail(ErrorCode.INVALID_REQUEST, `At most ${DYNAMIC_CONFIGS_MAX} dynamic configs per broker resource.`);
  }
  try {
    for (const [name, value] of next) validateValue(settingSpec(name)!, value);
    dynamic.logDefaultsWith(scope, next);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof InvalidConfigError) {
      return fail(ErrorCode.INVALID_CONFIG, err.message);
    }
    throw err;
  }
  if (validateOnly) return OK;
  dynamic.replace(scope, next);
  for (const topic of broker.topics.list()) broker.logs.updateConfig(topic.name, logConfigOf(broker, topic));
  return OK;
}

function applyChange(next: Map<string, string>, c: ConfigChange, current: string): AdminResult | null {
  switch (c.op) {
    case Op.SET:
      if (c.value === null) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${c.name}`);
      next.set(c.name, c.value.trim());
      return null;
    case Op.DELETE:
      next.delete(c.name);
      return null;
    case Op.APPEND:
    case Op.SUBTRACT: {
      if (settingSpec(c.name)!.type !== 'list') {
        return fail(ErrorCode.INVALID_CONFIG, `Config value append/subtract is not allowed for config: ${c.name}`);
      }
      const split = (s: string) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter((x) => x !== '');
      const have = split(next.get(c.name) ?? current);
      const given = split(c.value ?? '');
      const result =
        c.op === Op.APPEND
          ? [...have, ...given.filter((g) => !have.includes(g))]
          : have.filter((x) => !given.includes(x));
      next.set(c.name, result.join(','));
      return null;
    }
    default:
      return fail(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.op} for ${c.name}`);
  }
}
