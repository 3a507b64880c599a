import {
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteRecordsRequest,
  DeleteTopicsRequest,
  DescribeClusterRequest,
  DescribeConfigsRequest,
  DeleteGroupsRequest,
  DescribeGroupsRequest,
  type DescribeGroupsResponse,
  ListGroupsRequest,
  OffsetDeleteRequest,
  IncrementalAlterConfigsRequest,
  ZERO_UUID,
} from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { listOffsets, type OffsetAnswer, OffsetSpec } from '../cluster/list-offsets.js';
import { CLIENT_CONFIG_KEYS, type ClientConfig, rejectUnknownKeys, resolveClientConfig } from '../config.js';
import { Apis } from '../connection/apis.js';
import type { TopicPartition } from '../consumer/consumer-record.js';
import type { Connection } from '../connection/connection.js';
import { decodeAssignment, decodeSubscription, groupByTopic } from '../consumer/consumer-protocol.js';
import {
  type CoordinatorAddress,
  CoordinatorKeyType,
  findCoordinator,
  findCoordinators,
} from '../cluster/find-coordinator.js';
import { offsetCommit, offsetFetch } from '../cluster/group-offsets.js';
import { KafkaClientError, kafkaError, NotYetAvailableError } from '../errors.js';
import { ErrorCode } from '@fluxo/protocol';
import {
  type AlterConfigOp,
  AlterConfigOpType,
  type ClusterDescription,
  type ConfigEntry,
  type ConfigResource,
  ConfigResourceType,
  type GroupDescription,
  type GroupListing,
  type GroupResult,
  type GroupTopicPartitionOffset,
  type ListGroupsOptions,
  type NewTopic,
  type TopicDescription,
} from './admin-types.js';

export type AdminConfig = ClientConfig;

/** ListGroups v4 added the states filter (KIP-518). */
const LIST_GROUPS_STATES_VERSION = 4;

/** Every admin call takes an optional timeout; it is also the broker-side timeoutMs. */
export interface AdminOptions {
  timeoutMs?: number;
}

function check(code: number, what: string, message: string | null): void {
  if (code !== 0) throw kafkaError(code, what, message);
}

/**
 * Kafka's Admin client: topics, partitions, configs, records, offsets, the
 * cluster, and consumer groups (through each group's coordinator).
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

  /** Groups of every broker (ListGroups to each), optionally only those in the given states. */
  async listGroups(options?: ListGroupsOptions): Promise<GroupListing[]> {
    await this.cluster.refreshMetadata([]);
    const brokers = [...this.cluster.metadata.brokers.keys()];
    const states = options?.states ?? [];
    const lists = await Promise.all(
      brokers.map(async (nodeId) => {
        const conn = await this.cluster.connectionTo(nodeId);
        if (states.length > 0 && conn.versionOf(Apis.listGroups) < LIST_GROUPS_STATES_VERSION) {
          throw new NotYetAvailableError(`ListGroups states filter (broker ${nodeId} is older than v4)`);
        }
        const response = await conn.request(
          Apis.listGroups,
          ListGroupsRequest.create({ statesFilter: [...states], typesFilter: [] }),
        );
        check(response.errorCode, `ListGroups at broker ${nodeId}`, null);
        return response.groups.map((g) => ({
          groupId: g.groupId,
          protocolType: g.protocolType,
          state: g.groupState as GroupListing['state'],
        }));
      }),
    );
    return lists.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** DescribeGroups at each group's coordinator; members' assignments decoded from ConsumerProtocolAssignment. */
  async describeGroups(groups: readonly string[], options?: AdminOptions): Promise<GroupDescription[]> {
    const byCoordinator = await this.groupsByCoordinator(groups, options);
    const described = new Map<string, GroupDescription>();
    await Promise.all(
      [...byCoordinator].map(async ([coordinator, ids]) => {
        const conn = await this.cluster.coordinatorConnection(coordinator.nodeId, coordinator.host, coordinator.port);
        const response = await conn.request(
          Apis.describeGroups,
          DescribeGroupsRequest.create({ groups: ids, includeAuthorizedOperations: false }),
        );
        for (const g of response.groups) {
          check(g.errorCode, `describe group "${g.groupId}"`, null);
          described.set(g.groupId, describedGroup(g, coordinator.nodeId));
        }
      }),
    );
    return groups.map((id) => {
      const d = described.get(id);
      if (d === undefined) throw kafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `describe group "${id}"`);
      return d;
    });
  }

  /** Deletes empty groups (DeleteGroups); one result per group, error null on success. */
  async deleteGroups(groups: readonly string[], options?: AdminOptions): Promise<GroupResult[]> {
    const results = new Map<string, Error | null>();
    const byCoordinator = await this.groupsByCoordinator(groups, options, results);
    await Promise.all(
      [...byCoordinator].map(async ([coordinator, ids]) => {
        const conn = await this.cluster.coordinatorConnection(coordinator.nodeId, coordinator.host, coordinator.port);
        const response = await conn.request(Apis.deleteGroups, DeleteGroupsRequest.create({ groupsNames: ids }));
        for (const r of response.results) {
          results.set(r.groupId, r.errorCode === 0 ? null : kafkaError(r.errorCode, `delete group "${r.groupId}"`));
        }
      }),
    );
    return groups.map((groupId) => ({
      groupId,
      error:
        results.get(groupId) ??
        (results.has(groupId)
          ? null
          : kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `delete group "${groupId}"`, 'no answer')),
    }));
  }

  /** A group's committed offsets (OffsetFetch): all of them, or only the given partitions. */
  async listConsumerGroupOffsets(
    groupId: string,
    options?: AdminOptions & { partitions?: readonly TopicPartition[]; requireStable?: boolean },
  ): Promise<GroupTopicPartitionOffset[]> {
    const conn = await this.groupCoordinatorConnection(groupId, options);
    const offsets = await offsetFetch(conn, groupId, options?.partitions ?? null, options?.requireStable ?? false);
    const out: GroupTopicPartitionOffset[] = [];
    for (const o of offsets) {
      check(o.errorCode, `committed offset of ${o.topic}-${o.partition} in "${groupId}"`, null);
      if (o.offset < 0n) continue;
      out.push({
        topic: o.topic,
        partition: o.partition,
        offset: o.offset,
        leaderEpoch: o.leaderEpoch ?? -1,
        metadata: o.metadata ?? null,
      });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /** Sets a group's committed offsets (OffsetCommit as Kafka's admin: generation -1, no member); the group must be empty. */
  async alterConsumerGroupOffsets(
    groupId: string,
    offsets: readonly GroupTopicPartitionOffset[],
    options?: AdminOptions,
  ): Promise<void> {
    const conn = await this.groupCoordinatorConnection(groupId, options);
    const results = await offsetCommit(
      conn,
      groupId,
      { generationId: -1, memberId: '', groupInstanceId: null },
      offsets,
    );
    for (const r of results) check(r.errorCode, `alter offset of ${r.topic}-${r.partition} in "${groupId}"`, null);
  }

  /** Deletes a group's committed offsets of these partitions (OffsetDelete); not allowed for subscribed topics. */
  async deleteConsumerGroupOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
    options?: AdminOptions,
  ): Promise<void> {
    const conn = await this.groupCoordinatorConnection(groupId, options);
    const response = await conn.request(
      Apis.offsetDelete,
      OffsetDeleteRequest.create({
        groupId,
        topics: groupByTopic(partitions).map((t) => ({
          name: t.topic,
          partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })),
        })),
      }),
    );
    check(response.errorCode, `delete offsets of "${groupId}"`, null);
    for (const t of response.topics) {
      for (const p of t.partitions)
        check(p.errorCode, `delete offset of ${t.name}-${p.partitionIndex} in "${groupId}"`, null);
    }
  }

  private async groupCoordinatorConnection(groupId: string, options?: AdminOptions): Promise<Connection> {
    const c = await findCoordinator(this.cluster, groupId, CoordinatorKeyType.group, this.timeout(options));
    return this.cluster.coordinatorConnection(c.nodeId, c.host, c.port);
  }

  /** Groups by coordinator (one batched FindCoordinator when supported); failures go to `errors` or throw. */
  private async groupsByCoordinator(
    groups: readonly string[],
    options?: AdminOptions,
    errors?: Map<string, Error | null>,
  ): Promise<Map<CoordinatorAddress, string[]>> {
    const answers = await findCoordinators(this.cluster, groups, CoordinatorKeyType.group, this.timeout(options));
    const byNode = new Map<number, { address: CoordinatorAddress; ids: string[] }>();
    for (const [groupId, answer] of answers) {
      if (answer instanceof Error) {
        if (errors === undefined) throw answer;
        errors.set(groupId, answer);
        continue;
      }
      const entry = byNode.get(answer.nodeId) ?? { address: answer, ids: [] };
      entry.ids.push(groupId);
      byNode.set(answer.nodeId, entry);
    }
    return new Map([...byNode.values()].map((e) => [e.address, e.ids]));
  }

  async close(): Promise<void> {
    this.cluster.close();
  }
}

function describedGroup(g: DescribeGroupsResponse.DescribedGroup, coordinator: number): GroupDescription {
  const isConsumer = g.protocolType === 'consumer';
  return {
    groupId: g.groupId,
    state: g.groupState,
    protocolType: g.protocolType,
    protocol: g.protocolData,
    coordinator,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: isConsumer ? tryDecode(() => decodeAssignment(m.memberAssignment), []) : [],
      subscription: isConsumer ? tryDecode(() => decodeSubscription(m.memberMetadata).topics, []) : [],
    })),
  };
}

/** Another client's bytes may not decode; describing the group still works. */
function tryDecode<T>(decode: () => T, fallback: T): T {
  try {
    return decode();
  } catch {
    return fallback;
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
