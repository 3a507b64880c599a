// DescribeConfigs and IncrementalAlterConfigs as Java's AdminClient sends
// them: a BROKER resource named by a broker id goes to that broker (its
// static and per-broker dynamic settings are its own), everything else (topics,
// the cluster-wide default "") to any broker. Each resource gets its own
// answer: one unknown topic fails only its entry.
import {
  DescribeConfigsRequest,
  type DescribeConfigsResponse,
  ErrorCode,
  IncrementalAlterConfigsRequest,
} from '@fluxo/protocol';
import type { Cluster } from '../cluster/cluster.js';
import { Apis } from '../connection/apis.js';
import type { Connection } from '../connection/connection.js';
import { type KafkaClientError, kafkaError } from '../errors.js';
import { checkArray, checkName, invalidArgument } from './admin-input.js';
import {
  type AlterConfigOp,
  AlterConfigOpType,
  type AlterConfigsResult,
  type ConfigEntry,
  type ConfigResource,
  type ConfigResourceResult,
  ConfigResourceType,
  type ConfigResourceTypeName,
  ConfigSource,
  type DescribeConfigsOptions,
} from './admin-types.js';

/** Where a resource's request goes: a broker id, or any broker. */
type Target = number | 'any';

export interface ConfigChange {
  resource: Omit<ConfigResource, 'keys'>;
  ops: readonly AlterConfigOp[];
}

export async function describeConfigs(
  cluster: Cluster,
  resources: readonly ConfigResource[],
  options: DescribeConfigsOptions,
): Promise<ConfigResourceResult[]> {
  checkArray(resources, 'resources');
  for (const r of resources) {
    resourceTypeCode(r.type);
    checkName(r.name, 'resource name');
    if (r.keys !== undefined) for (const k of checkArray(r.keys, 'keys')) checkName(k, 'config key');
  }
  const answers = new Map<string, DescribeConfigsResponse.DescribeConfigsResult>();
  const failed = new Map<string, KafkaClientError>();
  await Promise.all(
    [...(await byTarget(cluster, resources, failed))].map(async ([target, list]) => {
      const conn = await connectionFor(cluster, target);
      const response = await conn.request(
        Apis.describeConfigs,
        DescribeConfigsRequest.create({
          resources: list.map((r) => ({
            resourceType: resourceTypeCode(r.type),
            resourceName: r.name,
            configurationKeys: r.keys === undefined ? null : [...r.keys],
          })),
          includeSynonyms: options.includeSynonyms ?? false,
        }),
      );
      for (const r of response.results) answers.set(keyOf(r.resourceType, r.resourceName), r);
    }),
  );
  return resources.map((r) => {
    const key = keyOf(resourceTypeCode(r.type), r.name);
    const base = { type: r.type, name: r.name };
    const error = failed.get(key);
    if (error !== undefined) return { ...base, configs: [], error };
    const answer = answers.get(key);
    if (answer === undefined)
      return { ...base, configs: [], error: noAnswer(`describe configs of ${r.type} "${r.name}"`) };
    if (answer.errorCode !== 0) {
      return {
        ...base,
        configs: [],
        error: kafkaError(answer.errorCode, `describe configs of ${r.type} "${r.name}"`, answer.errorMessage),
      };
    }
    return { ...base, configs: answer.configs.map(entryOf), error: null };
  });
}

export async function incrementalAlterConfigs(
  cluster: Cluster,
  changes: readonly ConfigChange[],
  validateOnly: boolean,
): Promise<AlterConfigsResult[]> {
  checkArray(changes, 'changes');
  for (const c of changes) {
    resourceTypeCode(c.resource?.type);
    checkName(c.resource.name, 'resource name');
    for (const op of checkArray(c.ops, 'ops')) {
      checkName(op.name, 'config name');
      if (typeof op.op !== 'string' || !Object.hasOwn(AlterConfigOpType, op.op)) {
        throw invalidArgument(`unknown config operation "${op.op}" (set, delete, append, subtract)`);
      }
      if (op.value !== undefined && op.value !== null) checkName(op.value, `value of ${op.name}`);
    }
  }
  const answers = new Map<string, { errorCode: number; errorMessage: string | null }>();
  const failed = new Map<string, KafkaClientError>();
  const resources = changes.map((c) => c.resource);
  await Promise.all(
    [...(await byTarget(cluster, resources, failed))].map(async ([target, list]) => {
      const conn = await connectionFor(cluster, target);
      const wanted = new Set(list.map((r) => keyOf(resourceTypeCode(r.type), r.name)));
      const response = await conn.request(
        Apis.incrementalAlterConfigs,
        IncrementalAlterConfigsRequest.create({
          validateOnly,
          resources: changes
            .filter((c) => wanted.has(keyOf(resourceTypeCode(c.resource.type), c.resource.name)))
            .map((c) => ({
              resourceType: resourceTypeCode(c.resource.type),
              resourceName: c.resource.name,
              configs: c.ops.map((op) => ({
                name: op.name,
                configOperation: AlterConfigOpType[op.op],
                value: op.value ?? null,
              })),
            })),
        }),
      );
      for (const r of response.responses) answers.set(keyOf(r.resourceType, r.resourceName), r);
    }),
  );
  return resources.map((r) => {
    const key = keyOf(resourceTypeCode(r.type), r.name);
    const what = `alter configs of ${r.type} "${r.name}"`;
    const answer = answers.get(key);
    const error =
      failed.get(key) ??
      (answer === undefined
        ? noAnswer(what)
        : answer.errorCode === 0
          ? null
          : kafkaError(answer.errorCode, what, answer.errorMessage));
    return { type: r.type, name: r.name, error };
  });
}

/**
 * Resources grouped by where they go. A BROKER resource must name a broker
 * id or be "" (Kafka's rule); a broker the cluster does not list fails its
 * entry with BROKER_NOT_AVAILABLE instead of waiting for it.
 */
async function byTarget(
  cluster: Cluster,
  resources: readonly ConfigResource[],
  failed: Map<string, KafkaClientError>,
): Promise<Map<Target, ConfigResource[]>> {
  const out = new Map<Target, ConfigResource[]>();
  let refreshed = false;
  for (const r of resources) {
    const key = keyOf(resourceTypeCode(r.type), r.name);
    let target: Target = 'any';
    if ((r.type === 'broker' || r.type === 'brokerLogger') && r.name !== '') {
      if (!/^\d+$/.test(r.name)) {
        failed.set(
          key,
          kafkaError(ErrorCode.INVALID_REQUEST, `${r.type} "${r.name}"`, 'a broker id must be an integer'),
        );
        continue;
      }
      if (!refreshed) await cluster.refreshMetadata([]);
      refreshed = true;
      target = Number(r.name);
      if (!cluster.metadata.brokers.has(target)) {
        failed.set(
          key,
          kafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `${r.type} "${r.name}"`, 'no such broker in the cluster'),
        );
        continue;
      }
    }
    out.set(target, [...(out.get(target) ?? []), r]);
  }
  return out;
}

function connectionFor(cluster: Cluster, target: Target): Promise<Connection> {
  return target === 'any' ? cluster.anyConnection() : cluster.connectionTo(target);
}

function entryOf(c: DescribeConfigsResponse.DescribeConfigsResourceResult): ConfigEntry {
  return {
    name: c.name,
    value: c.value,
    readOnly: c.readOnly,
    // v0 has isDefault only; v1+ says it with the source.
    isDefault: c.isDefault || c.configSource === ConfigSource.defaultConfig,
    isSensitive: c.isSensitive,
    source: c.configSource,
    synonyms: c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })),
  };
}

function keyOf(typeCode: number, name: string): string {
  return `${typeCode}:${name}`;
}

function noAnswer(what: string): KafkaClientError {
  return kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for this resource');
}

export function resourceTypeCode(type: ConfigResourceTypeName | undefined): number {
  const code =
    typeof type === 'string' && Object.hasOwn(ConfigResourceType, type) ? ConfigResourceType[type] : undefined;
  if (code === undefined) throw invalidArgument(`unknown config resource type "${type}" (topic, broker, brokerLogger)`);
  return code;
}
