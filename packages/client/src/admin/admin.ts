import {
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteRecordsRequest,
  DeleteTopicsRequest,
  DescribeClusterRequest,
  DescribeConfigsRequest,
  IncrementalAlterConfigsRequest,
  ZERO_UUID,
} from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { listOffsets, type OffsetAnswer, OffsetSpec } from '../cluster/list-offsets.js';
import { CLIENT_CONFIG_KEYS, type ClientConfig, rejectUnknownKeys, resolveClientConfig } from '../config.js';
import { Apis } from '../connection/apis.js';
import { KafkaClientError, kafkaError, NotYetAvailableError } from '../errors.js';
import { ErrorCode } from '@fluxo/protocol';
import {
  type AlterConfigOp,
  AlterConfigOpType,
  type ClusterDescription,
  type ConfigEntry,
  type ConfigResource,
  ConfigResourceType,
  type NewTopic,
  type TopicDescription,
} from './admin-types.js';

export type AdminConfig = ClientConfig;

/** Every admin call takes an optional timeout; it is also the broker-side timeoutMs. */
export interface AdminOptions {
  timeoutMs?: number;
}

function check(code: number, what: string, message: string | null): void {
  if (code !== 0) throw kafkaError(code, what, message);
}

/**
 * Kafka's Admin client: topics, partitions, configs, records, offsets and the
 * cluster. Calls that need the group coordinator (groups, group offsets) throw
 * NotYetAvailableError until the broker has consumer groups.
 */
export class Admin {
  private readonly cluster: Cluster;
  private readonly defaultTimeoutMs: number;

  constructor(config: AdminConfig) {
    const resolved = resolveClientConfig(config);
    rejectUnknownKeys(config, CLIENT_CONFIG_KEYS);
    this.cluster = new Cluster(resolved, { maxInFlight: 5 });
    this.defaultTimeoutMs = resolved.requestTimeoutMs;
  }

  private timeout(options?: AdminOptions): number {
    return options?.timeoutMs ?? this.defaultTimeoutMs;
  }

  async createTopics(topics: readonly NewTopic[], options?: AdminOptions & { validateOnly?: boolean }): Promise<void> {
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.createTopics,
      CreateTopicsRequest.create({
        timeoutMs: this.timeout(options),
        validateOnly: options?.validateOnly ?? false,
        topics: topics.map((t) => ({
          name: t.topic,
          numPartitions: t.replicaAssignment ? -1 : (t.numPartitions ?? -1),
          replicationFactor: t.replicaAssignment ? -1 : (t.replicationFactor ?? -1),
          assignments: Object.entries(t.replicaAssignment ?? {}).map(([p, brokerIds]) => ({
            partitionIndex: Number(p),
            brokerIds,
          })),
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      }),
    );
    for (const t of response.topics) check(t.errorCode, `create topic "${t.name}"`, t.errorMessage);
  }

  async deleteTopics(topics: readonly string[], options?: AdminOptions): Promise<void> {
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.deleteTopics,
      DeleteTopicsRequest.create({
        timeoutMs: this.timeout(options),
        topicNames: [...topics],
        topics: topics.map((name) => ({ name, topicId: ZERO_UUID })),
      }),
    );
    for (const t of response.responses) check(t.errorCode, `delete topic "${t.name}"`, t.errorMessage);
    for (const name of topics) this.cluster.metadata.topics.delete(name);
  }

  /** Topic names (internal topics only when asked). */
  async listTopics(options?: { includeInternal?: boolean }): Promise<string[]> {
    await this.cluster.refreshMetadata(null);
    return [...this.cluster.metadata.topics.values()]
      .filter((t) => options?.includeInternal || !t.isInternal)
      .map((t) => t.name)
      .sort();
  }

  async describeTopics(topics: readonly string[]): Promise<TopicDescription[]> {
    for (const name of topics) this.cluster.metadata.topics.delete(name);
    await this.cluster.refreshMetadata(topics);
    return topics.map((name) => {
      const info = this.cluster.metadata.topics.get(name);
      if (info === undefined) throw kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `describe topic "${name}"`);
      check(info.errorCode, `describe topic "${name}"`, null);
      return {
        name,
        topicId: info.topicId,
        isInternal: info.isInternal,
        partitions: info.partitions.map((p) => ({
          partition: p.partition,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch,
          replicas: p.replicas,
          isr: p.isr,
        })),
      };
    });
  }

  /** Raises each topic's partition count to `count` (Kafka never lowers it). */
  async createPartitions(topics: readonly { topic: string; count: number }[], options?: AdminOptions): Promise<void> {
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.createPartitions,
      CreatePartitionsRequest.create({
        timeoutMs: this.timeout(options),
        topics: topics.map((t) => ({ name: t.topic, count: t.count, assignments: null })),
      }),
    );
    for (const r of response.results) check(r.errorCode, `create partitions of "${r.name}"`, r.errorMessage);
  }

  async describeConfigs(resources: readonly ConfigResource[]): Promise<Map<string, ConfigEntry[]>> {
    const conn = await this.cluster.anyConnection();
    const response = await conn.request(
      Apis.describeConfigs,
      DescribeConfigsRequest.create({
        resources: resources.map((r) => ({
          resourceType: resourceTypeCode(r.type),
          resourceName: r.name,
          configurationKeys: r.keys ?? null,
        })),
      }),
    );
    const out = new Map<string, ConfigEntry[]>();
    for (const r of response.results) {
      check(r.errorCode, `describe configs of "${r.resourceName}"`, r.errorMessage);
      out.set(
        r.resourceName,
        r.configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: c.isDefault || c.configSource === 5,
          isSensitive: c.isSensitive,
          source: c.configSource,
        })),
      );
    }
    return out;
  }

  async incrementalAlterConfigs(
    changes: readonly { resource: Omit<ConfigResource, 'keys'>; ops: readonly AlterConfigOp[] }[],
    options?: { validateOnly?: boolean },
  ): Promise<void> {
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.incrementalAlterConfigs,
      IncrementalAlterConfigsRequest.create({
        validateOnly: options?.validateOnly ?? false,
        resources: changes.map((c) => ({
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
    for (const r of response.responses) check(r.errorCode, `alter configs of "${r.resourceName}"`, r.errorMessage);
  }

  /** Deletes records before the given offsets; returns each partition's new low watermark. */
  async deleteRecords(
    targets: readonly { topic: string; partition: number; beforeOffset: bigint }[],
    options?: AdminOptions,
  ): Promise<{ topic: string; partition: number; lowWatermark: bigint }[]> {
    const timeoutMs = this.timeout(options);
    const byLeader = new Map<number, (typeof targets)[number][]>();
    for (const t of targets) {
      await this.cluster.topic(t.topic, timeoutMs);
      const leader = this.cluster.metadata.leaderOf(t.topic, t.partition);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), t]);
    }
    const results = await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        const conn = await this.cluster.connectionTo(leader);
        const topics = new Map<string, { partitionIndex: number; offset: bigint }[]>();
        for (const t of list)
          topics.set(t.topic, [
            ...(topics.get(t.topic) ?? []),
            { partitionIndex: t.partition, offset: t.beforeOffset },
          ]);
        const response = await conn.request(
          Apis.deleteRecords,
          DeleteRecordsRequest.create({
            timeoutMs,
            topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
          }),
        );
        return response.topics.flatMap((t) =>
          t.partitions.map((p) => {
            check(p.errorCode, `delete records of ${t.name}-${p.partitionIndex}`, null);
            return { topic: t.name, partition: p.partitionIndex, lowWatermark: p.lowWatermark };
          }),
        );
      }),
    );
    return results.flat();
  }

  async describeCluster(): Promise<ClusterDescription> {
    const conn = await this.cluster.anyConnection();
    if (!conn.supports(Apis.describeCluster)) {
      await this.cluster.refreshMetadata([]);
      const m = this.cluster.metadata;
      return { clusterId: m.clusterId ?? '', controllerId: m.controllerId, brokers: [...m.brokers.values()] };
    }
    const response = await conn.request(Apis.describeCluster, DescribeClusterRequest.create({ endpointType: 1 }));
    check(response.errorCode, 'describe cluster', response.errorMessage);
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack })),
    };
  }

  /** Offsets by spec: 'earliest', 'latest', 'max-timestamp' or a timestamp in ms (the first offset at or after it). */
  async listOffsets(
    queries: readonly { topic: string; partition: number; spec: 'earliest' | 'latest' | 'max-timestamp' | bigint }[],
    options?: AdminOptions & { isolationLevel?: 'read_uncommitted' | 'read_committed' },
  ): Promise<OffsetAnswer[]> {
    return listOffsets(
      this.cluster,
      queries.map((q) => ({
        topic: q.topic,
        partition: q.partition,
        timestamp:
          q.spec === 'earliest'
            ? OffsetSpec.earliest
            : q.spec === 'latest'
              ? OffsetSpec.latest
              : q.spec === 'max-timestamp'
                ? OffsetSpec.maxTimestamp
                : q.spec,
      })),
      options?.isolationLevel === 'read_committed' ? 1 : 0,
      this.timeout(options),
    );
  }

  /** Needs consumer groups in the broker (ListGroups); not yet available. */
  async listGroups(): Promise<never> {
    throw new NotYetAvailableError('Admin.listGroups (consumer groups)');
  }
  async describeGroups(_groups: readonly string[]): Promise<never> {
    throw new NotYetAvailableError('Admin.describeGroups (consumer groups)');
  }
  async deleteGroups(_groups: readonly string[]): Promise<never> {
    throw new NotYetAvailableError('Admin.deleteGroups (consumer groups)');
  }
  async listConsumerGroupOffsets(_group: string): Promise<never> {
    throw new NotYetAvailableError('Admin.listConsumerGroupOffsets (consumer groups)');
  }
  async alterConsumerGroupOffsets(_group: string): Promise<never> {
    throw new NotYetAvailableError('Admin.alterConsumerGroupOffsets (consumer groups)');
  }
  async deleteConsumerGroupOffsets(_group: string): Promise<never> {
    throw new NotYetAvailableError('Admin.deleteConsumerGroupOffsets (consumer groups)');
  }

  async close(): Promise<void> {
    this.cluster.close();
  }
}

function resourceTypeCode(type: ConfigResource['type']): number {
  const code = ConfigResourceType[type];
  if (code === undefined) {
    throw new KafkaClientError(
      'INVALID_REQUEST',
      ErrorCode.INVALID_REQUEST,
      false,
      `unknown config resource type "${type}"`,
    );
  }
  return code;
}
