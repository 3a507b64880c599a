import {
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteGroupsRequest,
  DeleteRecordsRequest,
  DeleteTopicsRequest,
  DescribeClusterRequest,
  DescribeGroupsRequest,
  type DescribeGroupsResponse,
  ListGroupsRequest,
  ZERO_UUID,
} from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { listOffsets, type OffsetAnswer, OffsetSpec } from '../cluster/list-offsets.js';
import { CLIENT_CONFIG_KEYS, type ClientConfig, rejectUnknownKeys, resolveClientConfig } from '../config.js';
import { Apis } from '../connection/apis.js';
import type { TopicPartition } from '../consumer/consumer-record.js';
import { decodeAssignment, decodeSubscription } from '../consumer/consumer-protocol.js';
import { type CoordinatorAddress, CoordinatorKeyType, findCoordinators } from '../cluster/find-coordinator.js';
import { type KafkaClientError, kafkaError, NotYetAvailableError } from '../errors.js';
import { ErrorCode } from '@fluxo/protocol';
import { type ConfigChange, describeConfigs, incrementalAlterConfigs } from './admin-configs.js';
import { alterGroupOffsets, checkPartitions, deleteGroupOffsets, listGroupOffsets } from './admin-group-offsets.js';
import { checkArray, checkInt32, checkInt64, checkName } from './admin-input.js';
import type {
  AlterConfigsResult,
  ClusterDescription,
  ConfigResource,
  ConfigResourceResult,
  DeleteRecordsResult,
  DescribeConfigsOptions,
  GroupDescription,
  GroupListing,
  GroupResult,
  GroupTopicPartitionOffset,
  ListedGroupOffset,
  ListGroupsOptions,
  NewPartitions,
  NewTopic,
  PartitionResult,
  TopicDescription,
  TopicResult,
} from './admin-types.js';
import { partitionKey, unservablePartitions } from './partition-leaders.js';

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

/** A broker answer that left out an item it was asked about. */
function missing(what: string): KafkaClientError {
  return kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, what, 'the broker did not answer for it');
}

/**
 * Kafka's Admin client: topics, partitions, configs, records, offsets, the
 * cluster, and consumer groups (through each group's coordinator).
 *
 * Batched calls that change things (deleteTopics, createPartitions,
 * incrementalAlterConfigs, deleteRecords, group offsets, deleteGroups) and
 * describeConfigs answer per item, as Java's per-item futures do: each result
 * has `error` (a KafkaClientError, or null), and the promise rejects only
 * when the call as a whole fails (bad arguments, no broker, timeout, a
 * group-level error). createTopics, describeTopics and listOffsets throw
 * their first item's error, like Java's `all()`.
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
    for (const t of checkArray(topics, 'topics')) {
      checkName(t.topic, 'topic');
      if (t.numPartitions !== undefined) checkInt32(t.numPartitions, `numPartitions of "${t.topic}"`, -1);
      if (t.replicationFactor !== undefined) checkInt32(t.replicationFactor, `replicationFactor of "${t.topic}"`, -1);
    }
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

  /** Deletes topics; one result per topic (Java's topicNameValues()), error null for a deleted topic. */
  async deleteTopics(topics: readonly string[], options?: AdminOptions): Promise<TopicResult[]> {
    for (const name of checkArray(topics, 'topics')) checkName(name, 'topic');
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.deleteTopics,
      DeleteTopicsRequest.create({
        timeoutMs: this.timeout(options),
        topicNames: [...topics],
        topics: topics.map((name) => ({ name, topicId: ZERO_UUID })),
      }),
    );
    const answers = new Map(response.responses.map((r) => [r.name, r]));
    return topics.map((topic) => {
      const r = answers.get(topic);
      const what = `delete topic "${topic}"`;
      if (r === undefined) return { topic, error: missing(what) };
      if (r.errorCode !== 0) return { topic, error: kafkaError(r.errorCode, what, r.errorMessage) };
      this.cluster.metadata.topics.delete(topic);
      return { topic, error: null };
    });
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
    for (const name of checkArray(topics, 'topics')) checkName(name, 'topic');
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

  /**
   * Raises each topic's partition count to `count` (Kafka never lowers it:
   * INVALID_PARTITIONS when it does not grow); one result per topic.
   * validateOnly checks without creating anything.
   */
  async createPartitions(
    topics: readonly NewPartitions[],
    options?: AdminOptions & { validateOnly?: boolean },
  ): Promise<TopicResult[]> {
    for (const t of checkArray(topics, 'topics')) {
      checkName(t.topic, 'topic');
      checkInt32(t.count, `count of "${t.topic}"`);
      for (const ids of t.assignments ?? []) for (const id of ids) checkInt32(id, `broker id in "${t.topic}"`);
    }
    const conn = await this.cluster.controllerConnection();
    const response = await conn.request(
      Apis.createPartitions,
      CreatePartitionsRequest.create({
        timeoutMs: this.timeout(options),
        validateOnly: options?.validateOnly ?? false,
        topics: topics.map((t) => ({
          name: t.topic,
          count: t.count,
          assignments: t.assignments === undefined ? null : t.assignments.map((brokerIds) => ({ brokerIds })),
        })),
      }),
    );
    const answers = new Map(response.results.map((r) => [r.name, r]));
    return topics.map(({ topic }) => {
      const r = answers.get(topic);
      const what = `create partitions of "${topic}"`;
      if (r === undefined) return { topic, error: missing(what) };
      if (r.errorCode === 0) this.cluster.metadata.topics.delete(topic);
      return { topic, error: r.errorCode === 0 ? null : kafkaError(r.errorCode, what, r.errorMessage) };
    });
  }

  /**
   * Configs of topics and brokers (a broker id, or "" for the cluster-wide
   * dynamic defaults), one result per resource in the order asked.
   */
  describeConfigs(
    resources: readonly ConfigResource[],
    options?: DescribeConfigsOptions,
  ): Promise<ConfigResourceResult[]> {
    return describeConfigs(this.cluster, resources, options ?? {});
  }

  /** SET / DELETE / APPEND / SUBTRACT on topic and broker configs; one result per resource. */
  incrementalAlterConfigs(
    changes: readonly ConfigChange[],
    options?: { validateOnly?: boolean },
  ): Promise<AlterConfigsResult[]> {
    return incrementalAlterConfigs(this.cluster, changes, options?.validateOnly ?? false);
  }

  /**
   * Deletes records before the given offsets (-1: up to the high watermark);
   * one result per partition with its new low watermark. A partition of an
   * unknown topic fails at once with UNKNOWN_TOPIC_OR_PARTITION.
   */
  async deleteRecords(
    targets: readonly { topic: string; partition: number; beforeOffset: bigint }[],
    options?: AdminOptions,
  ): Promise<DeleteRecordsResult[]> {
    checkPartitions(targets, 'targets');
    for (const t of targets) checkInt64(t.beforeOffset, `beforeOffset of ${t.topic}-${t.partition}`);
    const timeoutMs = this.timeout(options);
    const done = await unservablePartitions(this.cluster, targets, timeoutMs);
    const answers = new Map<string, { lowWatermark: bigint; errorCode: number }>();
    const byLeader = new Map<number, (typeof targets)[number][]>();
    for (const t of targets) {
      if (done.has(partitionKey(t.topic, t.partition))) continue;
      const leader = this.cluster.metadata.leaderOf(t.topic, t.partition);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), t]);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        const conn = await this.cluster.connectionTo(leader);
        const topics = new Map<string, { partitionIndex: number; offset: bigint }[]>();
        for (const t of list) {
          topics.set(t.topic, [
            ...(topics.get(t.topic) ?? []),
            { partitionIndex: t.partition, offset: t.beforeOffset },
          ]);
        }
        const response = await conn.request(
          Apis.deleteRecords,
          DeleteRecordsRequest.create({
            timeoutMs,
            topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
          }),
        );
        for (const t of response.topics) {
          for (const p of t.partitions) answers.set(partitionKey(t.name, p.partitionIndex), p);
        }
      }),
    );
    return targets.map(({ topic, partition }) => {
      const key = partitionKey(topic, partition);
      const what = `delete records of ${topic}-${partition}`;
      const answer = answers.get(key);
      const error =
        done.get(key) ??
        (answer === undefined ? missing(what) : answer.errorCode === 0 ? null : kafkaError(answer.errorCode, what));
      return { topic, partition, lowWatermark: error === null ? answer!.lowWatermark : -1n, error };
    });
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
    checkPartitions(queries, 'queries');
    for (const q of queries) {
      const named = q.spec === 'earliest' || q.spec === 'latest' || q.spec === 'max-timestamp';
      if (!named)
        checkInt64(q.spec, `spec of ${q.topic}-${q.partition} (earliest, latest, max-timestamp or a bigint timestamp)`);
    }
    const unservable = await unservablePartitions(this.cluster, queries, this.timeout(options));
    for (const q of queries) {
      const error = unservable.get(partitionKey(q.topic, q.partition));
      if (error !== undefined) throw error;
    }
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
    for (const id of checkArray(groups, 'groups')) checkName(id, 'group id');
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
    for (const id of checkArray(groups, 'groups')) checkName(id, 'group id');
    const results = new Map<string, KafkaClientError | null>();
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

  /**
   * A group's committed offsets (OffsetFetch): all of them, or only the given
   * partitions. A partition the coordinator refused comes back with its
   * `error` (offset -1); partitions with nothing committed are left out.
   */
  listConsumerGroupOffsets(
    groupId: string,
    options?: AdminOptions & { partitions?: readonly TopicPartition[]; requireStable?: boolean },
  ): Promise<ListedGroupOffset[]> {
    return listGroupOffsets(
      this.cluster,
      groupId,
      options?.partitions ?? null,
      options?.requireStable ?? false,
      this.timeout(options),
    );
  }

  /**
   * Sets a group's committed offsets (OffsetCommit as Kafka's admin:
   * generation -1, no member), so the group must have no members; one result
   * per partition (UNKNOWN_MEMBER_ID while the group has members).
   */
  alterConsumerGroupOffsets(
    groupId: string,
    offsets: readonly GroupTopicPartitionOffset[],
    options?: AdminOptions,
  ): Promise<PartitionResult[]> {
    return alterGroupOffsets(this.cluster, groupId, offsets, this.timeout(options));
  }

  /**
   * Deletes a group's committed offsets of these partitions (OffsetDelete);
   * one result per partition (GROUP_SUBSCRIBED_TO_TOPIC for a topic the
   * group's members consume). An unknown group rejects with GROUP_ID_NOT_FOUND.
   */
  deleteConsumerGroupOffsets(
    groupId: string,
    partitions: readonly TopicPartition[],
    options?: AdminOptions,
  ): Promise<PartitionResult[]> {
    return deleteGroupOffsets(this.cluster, groupId, partitions, this.timeout(options));
  }

  /** Groups by coordinator (one batched FindCoordinator when supported); failures go to `errors` or throw. */
  private async groupsByCoordinator(
    groups: readonly string[],
    options?: AdminOptions,
    errors?: Map<string, KafkaClientError | null>,
  ): Promise<Map<CoordinatorAddress, string[]>> {
    const answers = await findCoordinators(this.cluster, groups, CoordinatorKeyType.group, this.timeout(options));
    const byNode = new Map<number, { address: CoordinatorAddress; ids: string[] }>();
    for (const [groupId, answer] of answers) {
      if (answer instanceof Error) {
        if (errors === undefined) throw answer;
        // findCoordinators' errors are Kafka errors (kafkaError).
        errors.set(groupId, answer as KafkaClientError);
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
