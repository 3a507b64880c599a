import { topicConfigDef } from '@fluxo/storage';
import { ErrorCode } from '@fluxo/protocol';
import { topicNameProblem } from '../metadata/topic-name.js';
import type { BrokerServices } from '../services.js';
import { type AdminResult, fail } from './admin-result.js';
import { alterBrokerConfigs } from './alter-broker-configs.js';
import { setTopicConfigs } from './topic-admin.js';

export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** IncrementalAlterConfigs operations (Kafka's AlterConfigOp.OpType). */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigChange {
  readonly name: string;
  readonly op: number;
  readonly value: string | null;
}

/**
 * Alters one resource's configs. Topics: `replaceAll` (legacy AlterConfigs)
 * makes the given set the whole override set; otherwise each change applies
 * to the current overrides. Brokers: the dynamic layers (alter-broker-configs.ts).
 */
export function alterResourceConfigs(
  broker: BrokerServices,
  resourceType: number,
  resourceName: string,
  changes: readonly ConfigChange[],
  replaceAll: boolean,
  validateOnly: boolean,
): AdminResult {
  const names = new Set<string>();
  for (const c of changes) {
    if (names.has(c.name)) return fail(ErrorCode.INVALID_REQUEST, `Duplicate config name in request: ${c.name}`);
    names.add(c.name);
  }
  if (resourceType === ResourceType.BROKER) {
    return alterBrokerConfigs(broker, resourceName, changes, replaceAll, validateOnly);
  }
  if (resourceType !== ResourceType.TOPIC) {
    return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
  }
  const problem = topicNameProblem(resourceName);
  if (problem !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
  const topic = broker.topics.get(resourceName);
  if (topic === undefined) {
    return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`);
  }
  const next: Record<string, string> = replaceAll ? {} : { ...topic.configs };
  for (const c of changes) {
    const result = applyChange(broker, next, c);
    if (result !== null) return result;
  }
  return setTopicConfigs(broker, topic, next, validateOnly);
}

function applyChange(broker: BrokerServices, overrides: Record<string, string>, c: ConfigChange): AdminResult | null {
  const def = topicConfigDef(c.name);
  if (def === undefined) return fail(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${c.name}`);
  switch (c.op) {
    case AlterConfigOp.SET:
      if (c.value === null) return fail(ErrorCode.INVALID_REQUEST, `Null value not supported for: ${c.name}`);
      overrides[c.name] = c.value;
      return null;
    case AlterConfigOp.DELETE:
      delete overrides[c.name];
      return null;
    case AlterConfigOp.APPEND:
    case AlterConfigOp.SUBTRACT: {
      if (def.type !== 'list') {
        return fail(ErrorCode.INVALID_CONFIG, `Config value append/subtract is not allowed for config: ${c.name}`);
      }
      const current = (overrides[c.name] ?? currentDefault(broker, c.name, def.defaultValue))
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const given = (c.value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const result =
        c.op === AlterConfigOp.APPEND
          ? [...current, ...given.filter((g) => !current.includes(g))]
          : current.filter((x) => !given.includes(x));
      overrides[c.name] = result.join(',');
      return null;
    }
    default:
      return fail(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.op} for ${c.name}`);
  }
}

function currentDefault(broker: BrokerServices, name: string, fallback: string): string {
  const def = topicConfigDef(name)!;
  for (const s of def.brokerSynonyms) {
    const v = broker.dynamicConfigs.value(s.name);
    if (v !== undefined && (s.scale ?? 1) === 1) return v;
  }
  return fallback;
}
