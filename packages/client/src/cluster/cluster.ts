import { MetadataRequest, ZERO_UUID } from '@fluxo/protocol';
import type { ResolvedClientConfig } from '../config.js';
import { Apis } from '../connection/apis.js';
import { Connection } from '../connection/connection.js';
import { ClientClosedError, ConnectionError, kafkaError } from '../errors.js';
import { ErrorCode } from '@fluxo/protocol';
import { backoffMs, sleep } from './backoff.js';
import { MetadataCache, type TopicInfo } from './metadata-cache.js';

interface NodeState {
  connection: Promise<Connection> | null;
  failures: number;
  nextAttemptAtMs: number;
}

export interface ClusterOptions {
  maxInFlight: number;
}

/** Node ids of bootstrap servers before the first metadata answer (real ids are >= 0). */
const BOOTSTRAP_NODE_BASE = -1000;
/** Group coordinators get their own connection (id base + node id), as in the Java client, so a JoinGroup that waits for a rebalance never delays fetches. */
const COORDINATOR_NODE_BASE = 1 << 30;

/**
 * Connections to the cluster's brokers, one per node, opened on demand and
 * reopened after failures with exponential backoff; the metadata cache and its
 * refresh. Producer, consumer and admin each own one.
 */
export class Cluster {
  readonly metadata = new MetadataCache();
  private readonly nodes = new Map<number, NodeState>();
  /** Metadata refreshes in flight, by the topics they ask for, so concurrent callers can share one. */
  private readonly refreshes = new Set<{ topics: ReadonlySet<string>; done: Promise<void> }>();
  private closed = false;
  private bootstrapIndex = 0;
  private readonly coordinatorAddresses = new Map<number, { host: string; port: number }>();

  constructor(
    readonly config: ResolvedClientConfig,
    private readonly options: ClusterOptions,
  ) {}

  /** A connection to a node (a broker id, or a bootstrap placeholder id). */
  async connectionTo(nodeId: number): Promise<Connection> {
    if (this.closed) throw new ClientClosedError('client');
    let state = this.nodes.get(nodeId);
    if (state === undefined) {
      state = { connection: null, failures: 0, nextAttemptAtMs: 0 };
      this.nodes.set(nodeId, state);
    }
    if (state.connection !== null) {
      const conn = await state.connection;
      if (conn.isOpen) return conn;
      state.connection = null;
    }
    const waitMs = state.nextAttemptAtMs - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    if (state.connection === null) state.connection = this.open(nodeId, state);
    return state.connection;
  }

  private async open(nodeId: number, state: NodeState): Promise<Connection> {
    const address = this.addressOf(nodeId);
    try {
      const conn = await Connection.open({
        host: address.host,
        port: address.port,
        clientId: this.config.clientId,
        requestTimeoutMs: this.config.requestTimeoutMs,
        connectTimeoutMs: this.config.socketConnectionSetupTimeoutMs,
        maxInFlight: this.options.maxInFlight,
        frameBytesMax: this.config.responseFrameBytesMax,
      });
      state.failures = 0;
      conn.onClose(() => {
        if (this.nodes.get(nodeId) === state) state.connection = null;
      });
      if (this.closed) conn.close();
      return conn;
    } catch (err) {
      state.connection = null;
      state.nextAttemptAtMs =
        performance.now() +
        backoffMs(state.failures, this.config.reconnectBackoffMs, this.config.reconnectBackoffMaxMs);
      state.failures++;
      throw err;
    }
  }

  /** A dedicated connection to a group coordinator at the address FindCoordinator gave. */
  coordinatorConnection(nodeId: number, host: string, port: number): Promise<Connection> {
    const id = COORDINATOR_NODE_BASE + nodeId;
    const known = this.coordinatorAddresses.get(id);
    if (known === undefined || known.host !== host || known.port !== port) {
      this.coordinatorAddresses.set(id, { host, port });
      this.nodes
        .get(id)
        ?.connection?.then((c) => c.close())
        .catch(() => {});
      this.nodes.delete(id);
    }
    return this.connectionTo(id);
  }

  private addressOf(nodeId: number): { host: string; port: number } {
    const coordinator = this.coordinatorAddresses.get(nodeId);
    if (coordinator !== undefined) return coordinator;
    if (nodeId <= BOOTSTRAP_NODE_BASE) {
      return this.config.bootstrapServers[BOOTSTRAP_NODE_BASE - nodeId]!;
    }
    const broker = this.metadata.brokers.get(nodeId);
    if (broker === undefined) throw new ConnectionError(`broker ${nodeId} is not in the cluster metadata`);
    return broker;
  }

  /** Any reachable broker: known brokers first, then the bootstrap list (rotating). */
  async anyConnection(): Promise<Connection> {
    const candidates = [...this.metadata.brokers.keys()];
    for (let i = 0; i < this.config.bootstrapServers.length; i++) {
      candidates.push(BOOTSTRAP_NODE_BASE - ((this.bootstrapIndex + i) % this.config.bootstrapServers.length));
    }
    this.bootstrapIndex++;
    let lastError: unknown = null;
    for (const nodeId of candidates) {
      try {
        return await this.connectionTo(nodeId);
      } catch (err) {
        lastError = err;
      }
    }
    throw new ConnectionError(`no broker reachable (tried ${candidates.length})`, { cause: lastError });
  }

  /** The controller for admin requests that must go there (falls back to any broker). */
  async controllerConnection(): Promise<Connection> {
    if (this.metadata.controllerId < 0) await this.refreshMetadata([]);
    const id = this.metadata.controllerId;
    return id >= 0 && this.metadata.brokers.has(id) ? this.connectionTo(id) : this.anyConnection();
  }

  /**
   * Refreshes metadata for `topics` (all topics when null). Concurrent callers
   * share one request when they ask for the same thing.
   */
  async refreshMetadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<void> {
    const conn = await this.anyConnection();
    const response = await conn.request(
      Apis.metadata,
      MetadataRequest.create({
        topics: topics === null ? null : topics.map((name) => ({ topicId: ZERO_UUID, name })),
        allowAutoTopicCreation,
      }),
    );
    this.metadata.update(response, performance.now());
  }

  /**
   * Refreshes the given topics, sharing a refresh already in flight that asks
   * for all of them (never one for other topics: its answer would not carry
   * ours). Many callers asking at the same moment cost one request.
   */
  refreshTopicsShared(topics: readonly string[]): Promise<void> {
    for (const refresh of this.refreshes) {
      if (topics.every((t) => refresh.topics.has(t))) return refresh.done;
    }
    const refresh = { topics: new Set(topics), done: this.refreshMetadata(topics) };
    this.refreshes.add(refresh);
    const forget = () => this.refreshes.delete(refresh);
    refresh.done.then(forget, forget);
    return refresh.done;
  }

  /**
   * Metadata of one topic, refreshing when unknown; retries while the broker
   * reports it unknown or leaderless, until `timeoutMs` (max.block.ms). The
   * producer lets the broker auto-create it (auto.create.topics.enable), as Java's does.
   */
  async topic(name: string, timeoutMs: number, allowAutoTopicCreation = false): Promise<TopicInfo> {
    const deadline = performance.now() + timeoutMs;
    let attempt = 0;
    for (;;) {
      const known = this.metadata.topics.get(name);
      if (known !== undefined && known.errorCode === 0 && known.partitions.length > 0) return known;
      try {
        await this.refreshMetadata([name], allowAutoTopicCreation);
      } catch (err) {
        if (performance.now() >= deadline) throw err;
      }
      const info = this.metadata.topics.get(name);
      if (info !== undefined && info.errorCode === 0 && info.partitions.length > 0) return info;
      if (performance.now() >= deadline) {
        throw kafkaError(
          info?.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `topic "${name}" not available after ${timeoutMs} ms`,
        );
      }
      await sleep(backoffMs(attempt++, this.config.retryBackoffMs, 1000));
    }
  }

  /** The leader's connection for a partition, refreshing metadata when the leader is unknown. */
  async leaderConnection(topic: string, partition: number, timeoutMs: number): Promise<Connection> {
    const deadline = performance.now() + timeoutMs;
    let attempt = 0;
    for (;;) {
      const leader = this.metadata.leaderOf(topic, partition);
      if (leader >= 0) return this.connectionTo(leader);
      if (performance.now() >= deadline) {
        throw kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${topic}-${partition}: no leader after ${timeoutMs} ms`);
      }
      await this.refreshTopicsShared([topic]).catch(() => {});
      if (this.metadata.leaderOf(topic, partition) < 0)
        await sleep(backoffMs(attempt++, this.config.retryBackoffMs, 1000));
    }
  }

  close(): void {
    this.closed = true;
    for (const state of this.nodes.values()) {
      state.connection?.then((c) => c.close()).catch(() => {});
    }
    this.nodes.clear();
  }
}
