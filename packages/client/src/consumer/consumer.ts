import { FetchRequest, type FetchResponse, ZERO_UUID } from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { sleep } from '../cluster/backoff.js';
import { listOffsets, OffsetSpec } from '../cluster/list-offsets.js';
import { Apis } from '../connection/apis.js';
import { ClientClosedError, kafkaError, NotYetAvailableError } from '../errors.js';
import { ErrorCode, isKafkaError } from '@fluxo/protocol';
import { type ConsumerConfig, type ResolvedConsumerConfig, resolveConsumerConfig } from './consumer-config.js';
import { type ConsumerRecord, type TopicPartition, tpKey } from './consumer-record.js';
import { type DecodedRecord, decodeFetchedRecords } from './fetch-decode.js';

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset poll() returns; null until reset by ListOffsets. */
  position: bigint | null;
  /** Next offset to fetch (ahead of position while records are buffered). */
  fetchOffset: bigint | null;
  /** Pending reset ('earliest'/'latest') or null. */
  reset: 'earliest' | 'latest' | null;
  paused: boolean;
  /** Bumped on seek, so answers to fetches sent before it are dropped. */
  epoch: number;
  fetching: boolean;
  buffered: DecodedRecord[];
  highWatermark: bigint;
}

/**
 * Kafka consumer with manual assignment: assign(), poll(timeout) and an async
 * iterator, seek/pause/resume/position. Fetches go to each partition's leader,
 * one in flight per leader, and run ahead of poll() so the next records are
 * usually buffered when asked for. Group membership (subscribe, commits) needs
 * the broker's group coordinator and is not available yet.
 */
export class Consumer<K = Buffer | null, V = Buffer | null> {
  readonly config: ResolvedConsumerConfig<K, V>;
  private readonly cluster: Cluster;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly leadersFetching = new Set<number>();
  private wakeups: (() => void)[] = [];
  private closed = false;
  private lastError: Error | null = null;
  private roundRobin = 0;

  constructor(config: ConsumerConfig<K, V>) {
    this.config = resolveConsumerConfig(config);
    this.cluster = new Cluster(this.config.client, { maxInFlight: 5 });
  }

  /** Replaces the assignment with these partitions (positions reset by auto.offset.reset unless sought). */
  assign(partitions: readonly TopicPartition[]): void {
    this.ensureOpen();
    const next = new Map<string, PartitionState>();
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      const existing = this.partitions.get(key);
      next.set(
        key,
        existing ?? {
          topic: tp.topic,
          partition: tp.partition,
          position: null,
          fetchOffset: null,
          reset: this.config.autoOffsetReset === 'none' ? null : this.config.autoOffsetReset,
          paused: false,
          epoch: 0,
          fetching: false,
          buffered: [],
          highWatermark: -1n,
        },
      );
    }
    this.partitions.clear();
    for (const [k, v] of next) this.partitions.set(k, v);
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** Group subscription: needs consumer groups in the broker. */
  subscribe(_topics: readonly string[] | RegExp): never {
    throw new NotYetAvailableError('Consumer.subscribe (consumer groups)');
  }

  seek(tp: TopicPartition, offset: bigint): void {
    const state = this.stateOf(tp);
    state.position = offset;
    state.fetchOffset = offset;
    state.reset = null;
    state.epoch++;
    state.buffered = [];
  }

  seekToBeginning(tps: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of tps) this.resetTo(this.stateOf(tp), 'earliest');
  }

  seekToEnd(tps: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of tps) this.resetTo(this.stateOf(tp), 'latest');
  }

  pause(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.stateOf(tp).paused = true;
  }

  resume(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.stateOf(tp).paused = false;
    this.wake();
  }

  paused(): TopicPartition[] {
    return [...this.partitions.values()]
      .filter((p) => p.paused)
      .map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** The offset of the next record poll() will return for this partition (resolving a pending reset). */
  async position(tp: TopicPartition): Promise<bigint> {
    const state = this.stateOf(tp);
    if (state.position === null) await this.resolvePositions([state]);
    return state.position!;
  }

  /**
   * Waits up to `timeoutMs` for records and returns at most max.poll.records of
   * them (an empty array on timeout). Throws a fetch error once, then goes on.
   */
  async poll(timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    this.ensureOpen();
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.resolvePositions([...this.partitions.values()].filter((p) => p.position === null));
      const records = this.takeBuffered();
      this.startFetches();
      if (records.length > 0) return records;
      if (this.lastError !== null) {
        const err = this.lastError;
        this.lastError = null;
        throw err;
      }
      const leftMs = deadline - performance.now();
      if (leftMs <= 0 || this.closed) return [];
      await this.waitForData(leftMs);
    }
  }

  /** Yields records one by one until close(). */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumerRecord<K, V>> {
    while (!this.closed) {
      const records = await this.poll(this.config.fetchMaxWaitMs + 1000);
      for (const r of records) yield r;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    this.cluster.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new ClientClosedError('consumer');
  }

  private stateOf(tp: TopicPartition): PartitionState {
    const state = this.partitions.get(tpKey(tp.topic, tp.partition));
    if (state === undefined) {
      throw kafkaError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `${tp.topic}-${tp.partition}`,
        'partition is not assigned',
      );
    }
    return state;
  }

  private resetTo(state: PartitionState, reset: 'earliest' | 'latest'): void {
    state.position = null;
    state.fetchOffset = null;
    state.reset = reset;
    state.epoch++;
    state.buffered = [];
  }

  private async resolvePositions(states: PartitionState[]): Promise<void> {
    if (states.length === 0) return;
    const missing = states.find((s) => s.reset === null);
    if (missing !== undefined) {
      throw kafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `${missing.topic}-${missing.partition}`,
        'no position and autoOffsetReset is none: seek() first',
      );
    }
    const answers = await listOffsets(
      this.cluster,
      states.map((s) => ({
        topic: s.topic,
        partition: s.partition,
        timestamp: s.reset === 'earliest' ? OffsetSpec.earliest : OffsetSpec.latest,
      })),
      this.config.isolationLevel,
      this.config.client.requestTimeoutMs,
    );
    for (const a of answers) {
      const state = this.partitions.get(tpKey(a.topic, a.partition));
      if (state === undefined || state.position !== null) continue;
      state.position = a.offset;
      state.fetchOffset = a.offset;
      state.reset = null;
    }
  }

  /** Up to max.poll.records buffered records, rotating the partition we start from for fairness. */
  private takeBuffered(): ConsumerRecord<K, V>[] {
    const out: ConsumerRecord<K, V>[] = [];
    const states = [...this.partitions.values()];
    const n = states.length;
    const start = n === 0 ? 0 : this.roundRobin++ % n;
    for (let i = 0; i < n && out.length < this.config.maxPollRecords; i++) {
      const state = states[(start + i) % n]!;
      if (state.paused || state.buffered.length === 0) continue;
      const count = Math.min(state.buffered.length, this.config.maxPollRecords - out.length);
      const taken = state.buffered.splice(0, count);
      for (const r of taken) out.push(this.toConsumerRecord(state, r));
      state.position = taken[taken.length - 1]!.offset + 1n;
    }
    return out;
  }

  private toConsumerRecord(state: PartitionState, r: DecodedRecord): ConsumerRecord<K, V> {
    return {
      topic: state.topic,
      partition: state.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      timestampType: r.timestampType,
      leaderEpoch: r.leaderEpoch,
      key: this.config.keyDeserializer.deserialize(r.key, state.topic),
      value: this.config.valueDeserializer.deserialize(r.value, state.topic),
      headers: r.headers,
    };
  }

  /** Sends a fetch to each leader without one in flight, for partitions with nothing buffered. */
  private startFetches(): void {
    const byLeader = new Map<number, PartitionState[]>();
    for (const state of this.partitions.values()) {
      if (state.paused || state.fetching || state.fetchOffset === null || state.buffered.length > 0) continue;
      const leader = this.cluster.metadata.leaderOf(state.topic, state.partition);
      if (leader < 0) {
        this.cluster.refreshTopicsShared([state.topic]).then(
          () => this.wake(),
          (err: Error) => this.onFetchError(err),
        );
        continue;
      }
      if (this.leadersFetching.has(leader)) continue;
      const list = byLeader.get(leader) ?? [];
      list.push(state);
      byLeader.set(leader, list);
    }
    for (const [leader, states] of byLeader) void this.fetchFrom(leader, states);
  }

  private async fetchFrom(leader: number, states: PartitionState[]): Promise<void> {
    this.leadersFetching.add(leader);
    for (const s of states) s.fetching = true;
    const epochs = states.map((s) => s.epoch);
    const offsets = states.map((s) => s.fetchOffset!);
    try {
      const conn = await this.cluster.connectionTo(leader);
      const version = conn.versionOf(Apis.fetch);
      const topics = new Map<string, PartitionState[]>();
      for (const s of states) topics.set(s.topic, [...(topics.get(s.topic) ?? []), s]);
      const request = FetchRequest.create({
        replicaId: -1,
        maxWaitMs: this.config.fetchMaxWaitMs,
        minBytes: this.config.fetchMinBytes,
        maxBytes: this.config.fetchMaxBytes,
        isolationLevel: this.config.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...topics].map(([topic, list]) => ({
          topic,
          topicId: this.cluster.metadata.topics.get(topic)?.topicId ?? ZERO_UUID,
          partitions: list.map((s) => ({
            partition: s.partition,
            currentLeaderEpoch: -1,
            fetchOffset: s.fetchOffset!,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: this.config.maxPartitionFetchBytes,
            replicaDirectoryId: ZERO_UUID,
          })),
        })),
      });
      const response = await conn.request(Apis.fetch, request, { version, extraTimeoutMs: this.config.fetchMaxWaitMs });
      if (response.errorCode !== 0) throw kafkaError(response.errorCode, 'Fetch');
      this.onFetchResponse(response, states, epochs, offsets);
    } catch (err) {
      this.onFetchError(err as Error);
      await sleep(this.config.client.retryBackoffMs);
    } finally {
      this.leadersFetching.delete(leader);
      for (const s of states) s.fetching = false;
      this.wake();
    }
  }

  private onFetchResponse(
    response: FetchResponse.FetchResponseData,
    states: PartitionState[],
    epochs: number[],
    offsets: bigint[],
  ): void {
    const byId = new Map<string, string>();
    for (const t of this.cluster.metadata.topics.values()) byId.set(t.topicId, t.name);
    const results = new Map<string, FetchResponse.PartitionData>();
    for (const t of response.responses) {
      const name = t.topic !== '' ? t.topic : (byId.get(t.topicId) ?? '');
      for (const p of t.partitions) results.set(tpKey(name, p.partitionIndex), p);
    }
    states.forEach((state, i) => {
      if (state.epoch !== epochs[i] || this.partitions.get(tpKey(state.topic, state.partition)) !== state) return;
      const result = results.get(tpKey(state.topic, state.partition));
      if (result === undefined) return;
      if (result.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && this.config.autoOffsetReset !== 'none') {
        this.resetTo(state, this.config.autoOffsetReset);
        return;
      }
      if (result.errorCode !== 0) {
        const err = kafkaError(result.errorCode, `Fetch ${state.topic}-${state.partition}`);
        if (err.retriable) this.cluster.metadata.invalidateLeader(state.topic, state.partition);
        else this.lastError = err;
        return;
      }
      state.highWatermark = result.highWatermark;
      if (result.records === null || result.records.length === 0) return;
      const aborted = this.config.isolationLevel === 1 ? (result.abortedTransactions ?? []) : null;
      const decoded = decodeFetchedRecords(result.records, offsets[i]!, this.config.checkCrcs, aborted);
      state.buffered = decoded.records;
      state.fetchOffset = decoded.nextOffset;
    });
  }

  private onFetchError(err: Error): void {
    if (isKafkaError(err) && err.retriable) return; // a new connection / metadata is tried on the next round
    this.lastError = err;
    this.wake();
  }

  private waitForData(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeups.push(done);
    });
  }

  private wake(): void {
    const wakeups = this.wakeups;
    this.wakeups = [];
    for (const w of wakeups) w();
  }
}
