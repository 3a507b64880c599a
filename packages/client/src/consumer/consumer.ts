import { ErrorCode } from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { listOffsets, OffsetSpec } from '../cluster/list-offsets.js';
import { ClientClosedError, ConfigError, kafkaError } from '../errors.js';
import { type ConsumerConfig, type ResolvedConsumerConfig, resolveConsumerConfig } from './consumer-config.js';
import { type ConsumerRecord, type TopicPartition, tpKey } from './consumer-record.js';
import { Fetcher } from './fetcher.js';
import { ConsumerCoordinator } from './group/consumer-coordinator.js';
import type { ConsumerGroupMetadata, OffsetAndMetadata, RebalanceListener } from './group-types.js';
import { PartitionState } from './partition-state.js';

/**
 * Kafka consumer: group membership with subscribe() (rebalances run inside
 * poll(), heartbeats in the background, commits) or manual assign(); poll(timeout)
 * and an async iterator, seek/pause/resume/position. Fetches (fetcher.ts) go
 * to each partition's leader, one in flight per leader, and run ahead of poll()
 * so the next records are usually buffered when asked for.
 */
export class Consumer<K = Buffer | null, V = Buffer | null> {
  readonly config: ResolvedConsumerConfig<K, V>;
  private readonly cluster: Cluster;
  private readonly partitions = new Map<string, PartitionState<K, V>>();
  private readonly fetcher: Fetcher<K, V>;
  private wakeups: (() => void)[] = [];
  private closed = false;
  /** A fetch error for the next poll() to throw. */
  private lastError: Error | null = null;
  /** Its record failed after poll() had collected others: the next poll() starts there, so it throws then (as Java does). */
  private failedPartition: PartitionState<K, V> | null = null;
  private roundRobin = 0;
  private readonly group: ConsumerCoordinator | null;
  private subscribedTo: { topics: string[] } | { pattern: RegExp; topics: string[] } | null = null;
  private listener: RebalanceListener = {};
  private nextAutoCommitAtMs = 0;
  private nextMetadataCheckAtMs = 0;

  constructor(config: ConsumerConfig<K, V>) {
    this.config = resolveConsumerConfig(config);
    this.cluster = new Cluster(this.config.client, { maxInFlight: 5 });
    this.fetcher = new Fetcher(this.cluster, this.config, this.partitions, {
      wake: () => this.wake(),
      error: (err) => {
        this.lastError = err;
        this.wake();
      },
    });
    const groupId = this.config.groupId;
    this.group =
      groupId === null
        ? null
        : new ConsumerCoordinator(
            this.cluster,
            this.config as ResolvedConsumerConfig<unknown, unknown>,
            groupId,
            {
              revoke: (tps) => this.onRevoke(tps),
              assign: (tps) => this.onAssign(tps),
              lose: (tps) => this.onLose(tps),
            },
            () => [...(this.subscribedTo?.topics ?? [])],
          );
    this.nextAutoCommitAtMs = performance.now() + this.config.autoCommitIntervalMs;
  }

  /** Replaces the assignment with these partitions (positions reset by auto.offset.reset unless sought). */
  assign(partitions: readonly TopicPartition[]): void {
    this.ensureOpen();
    if (this.subscribedTo !== null) throw new ConfigError('assign', 'the consumer is subscribed: unsubscribe() first');
    this.setPartitions(partitions, false);
  }

  private setPartitions(partitions: readonly TopicPartition[], useCommitted: boolean): void {
    const next = new Map<string, PartitionState<K, V>>();
    const reset = this.config.autoOffsetReset === 'none' ? null : this.config.autoOffsetReset;
    for (const tp of partitions) {
      const key = tpKey(tp.topic, tp.partition);
      next.set(key, this.partitions.get(key) ?? new PartitionState(tp.topic, tp.partition, reset, useCommitted));
    }
    this.partitions.clear();
    for (const [k, v] of next) this.partitions.set(k, v);
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /**
   * Joins the group (group.id) for these topics, or every topic matching the
   * pattern (re-checked at each metadata refresh, metadata.max.age.ms). The
   * join happens in the next poll(); the listener sees every assignment change.
   */
  subscribe(topics: readonly string[] | RegExp, listener: RebalanceListener = {}): void {
    this.ensureOpen();
    if (this.group === null) throw new ConfigError('groupId', 'subscribe() needs a group id');
    if (this.subscribedTo === null && this.partitions.size > 0) {
      throw new ConfigError('subscribe', 'the consumer has a manual assignment: unsubscribe() first');
    }
    this.subscribedTo =
      topics instanceof RegExp ? { pattern: topics, topics: [] } : { topics: [...new Set(topics)].sort() };
    this.listener = listener;
    this.nextMetadataCheckAtMs = 0;
    this.group.requestRejoin();
  }

  /** The subscribed topics (for a pattern: the topics it matched at the last metadata refresh). */
  subscription(): string[] {
    return [...(this.subscribedTo?.topics ?? [])];
  }

  /** Leaves the group (revoking the assignment) or drops the manual assignment. */
  async unsubscribe(): Promise<void> {
    if (this.group !== null && this.subscribedTo !== null) {
      await this.leaveGroup();
      this.group.reset();
    }
    this.subscribedTo = null;
    this.partitions.clear();
  }

  /** Kafka's groupMetadata(): for a transactional producer's sendOffsetsToTransaction. */
  groupMetadata(): ConsumerGroupMetadata {
    const group = this.requireGroup();
    return {
      groupId: this.config.groupId!,
      generationId: group.generationId,
      memberId: group.memberId,
      groupInstanceId: this.config.groupInstanceId,
    };
  }

  /**
   * Commits the given offsets, or the position of every assigned partition
   * (the offset after the last record poll() returned). Throws
   * CommitFailedError when the member was fenced (rebalanced away).
   */
  async commitSync(offsets?: readonly OffsetAndMetadata[]): Promise<void> {
    this.ensureOpen();
    await this.requireGroup().commit(offsets ?? this.currentOffsets(), this.subscribedTo !== null);
  }

  /** commitSync without waiting: the callback gets the outcome (errors never reject unhandled). */
  commitAsync(
    offsets?: readonly OffsetAndMetadata[],
    callback?: (error: Error | null, offsets: readonly OffsetAndMetadata[]) => void,
  ): void {
    const list = offsets ?? this.currentOffsets();
    this.commitSync(list).then(
      () => callback?.(null, list),
      (err: Error) => callback?.(err, list),
    );
  }

  /** Committed offsets of these partitions (OffsetFetch); null for a partition with none. */
  async committed(partitions: readonly TopicPartition[]): Promise<(OffsetAndMetadata | null)[]> {
    const fetched = await this.requireGroup().committed(partitions);
    const byKey = new Map(fetched.map((o) => [tpKey(o.topic, o.partition), o]));
    return partitions.map((tp) => {
      const o = byKey.get(tpKey(tp.topic, tp.partition));
      if (o === undefined || o.offset < 0n) return null;
      return {
        topic: tp.topic,
        partition: tp.partition,
        offset: o.offset,
        leaderEpoch: o.leaderEpoch ?? -1,
        metadata: o.metadata ?? null,
      };
    });
  }

  private requireGroup(): ConsumerCoordinator {
    if (this.group === null) throw new ConfigError('groupId', 'this needs a group id');
    return this.group;
  }

  /** Positions of assigned partitions that have one, as offsets to commit. */
  private currentOffsets(): OffsetAndMetadata[] {
    return [...this.partitions.values()]
      .filter((p) => p.position !== null)
      .map((p) => ({
        topic: p.topic,
        partition: p.partition,
        offset: p.position!,
        leaderEpoch: p.lastLeaderEpoch,
        metadata: '',
      }));
  }

  private async onRevoke(tps: TopicPartition[]): Promise<void> {
    if (this.config.enableAutoCommit) {
      const keys = new Set(tps.map((tp) => tpKey(tp.topic, tp.partition)));
      const offsets = this.currentOffsets().filter((o) => keys.has(tpKey(o.topic, o.partition)));
      // Commit before giving the partitions up (Kafka's auto-commit on revocation); a failure only risks duplicates.
      await this.group!.commit(offsets, true).catch(() => {});
    }
    await this.listener.onPartitionsRevoked?.(tps);
    this.removePartitions(tps);
  }

  private async onAssign(tps: TopicPartition[]): Promise<void> {
    this.setPartitions([...this.assignment(), ...tps], true);
    await this.listener.onPartitionsAssigned?.(tps);
  }

  private async onLose(tps: TopicPartition[]): Promise<void> {
    if (this.listener.onPartitionsLost !== undefined) await this.listener.onPartitionsLost(tps);
    else await this.listener.onPartitionsRevoked?.(tps);
    this.removePartitions(tps);
  }

  private removePartitions(tps: readonly TopicPartition[]): void {
    for (const tp of tps) this.partitions.delete(tpKey(tp.topic, tp.partition));
  }

  /** Group work at the start of each poll: pattern/partition changes, rebalance, auto-commit. */
  private async pollGroup(timeoutMs: number): Promise<void> {
    if (this.group === null) return;
    if (this.subscribedTo === null) {
      // Manual assignment with a group id: auto-commit still applies (generation -1, as in Kafka).
      if (this.config.enableAutoCommit && performance.now() >= this.nextAutoCommitAtMs && this.partitions.size > 0) {
        this.nextAutoCommitAtMs = performance.now() + this.config.autoCommitIntervalMs;
        void this.group.commit(this.currentOffsets(), false).catch(() => {});
      }
      return;
    }
    const now = performance.now();
    if (now >= this.nextMetadataCheckAtMs) {
      this.nextMetadataCheckAtMs = now + this.config.client.metadataMaxAgeMs;
      await this.checkMetadata();
    }
    await this.group.poll(timeoutMs);
    if (this.config.enableAutoCommit && performance.now() >= this.nextAutoCommitAtMs) {
      this.nextAutoCommitAtMs = performance.now() + this.config.autoCommitIntervalMs;
      const offsets = this.currentOffsets();
      if (this.group.isStable && offsets.length > 0) void this.group.commit(offsets, true).catch(() => {});
    }
  }

  /** A pattern gains or loses topics, or a subscribed topic's partition count changes: rejoin. */
  private async checkMetadata(): Promise<void> {
    const sub = this.subscribedTo!;
    const pattern = 'pattern' in sub ? sub.pattern : null;
    try {
      await this.cluster.refreshMetadata(pattern === null ? sub.topics : null);
    } catch {
      return;
    }
    if (pattern !== null) {
      const matched = [...this.cluster.metadata.topics.values()]
        .filter((t) => !t.isInternal && t.errorCode === 0 && pattern.test(t.name))
        .map((t) => t.name)
        .sort();
      if (matched.join('\u0000') !== sub.topics.join('\u0000')) {
        sub.topics = matched;
        this.group!.requestRejoin();
      }
    }
    const counts = new Map<string, number>();
    for (const topic of sub.topics) {
      const info = this.cluster.metadata.topics.get(topic);
      if (info !== undefined && info.errorCode === 0) counts.set(topic, info.partitions.length);
    }
    if (this.group!.leaderSeesChange(counts)) this.group!.requestRejoin();
  }

  /** Revokes (committing first when auto-commit is on) and leaves the group; static members only stop. */
  private async leaveGroup(): Promise<void> {
    const group = this.group!;
    const { partitions, lost } = group.takeAssignmentForClose();
    if (partitions.length > 0) {
      if (lost) await this.onLose(partitions);
      else await this.onRevoke(partitions);
    }
    await group.leaveGroup('the consumer is leaving the group');
  }

  /** The next poll() returns this partition's records from `offset` (also the way past a record poll() failed on). */
  seek(tp: TopicPartition, offset: bigint): void {
    this.stateOf(tp).seekTo(offset);
  }

  seekToBeginning(tps: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of tps) this.stateOf(tp).resetTo('earliest');
  }

  seekToEnd(tps: readonly TopicPartition[] = this.assignment()): void {
    for (const tp of tps) this.stateOf(tp).resetTo('latest');
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
   * them (an empty array on timeout), as soon as any are buffered. Throws a
   * fetch error once, then goes on. A record that cannot be handed out (a
   * corrupt batch: CorruptRecordError; a deserializer threw:
   * RecordDeserializationError) is thrown by every poll that reaches it, after
   * the records before it were returned, until seek() moves past it.
   */
  async poll(timeoutMs: number): Promise<ConsumerRecord<K, V>[]> {
    this.ensureOpen();
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      await this.pollGroup(deadline - performance.now());
      const unresolved = [...this.partitions.values()].filter((p) => p.position === null);
      if (unresolved.length > 0) await this.resolvePositions(unresolved);
      let records: ConsumerRecord<K, V>[];
      try {
        records = this.takeBuffered();
      } finally {
        // Sent before the records are handed back: the broker reads the next ones meanwhile.
        this.fetcher.fetchMore();
      }
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

  /** Commits (auto-commit), revokes and leaves the group (not for static members), then closes connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.group !== null && this.subscribedTo !== null) {
      await this.leaveGroup().catch(() => {});
    } else if (this.group !== null && this.config.enableAutoCommit && this.partitions.size > 0) {
      await this.group.commit(this.currentOffsets(), false).catch(() => {});
    }
    this.group?.close();
    this.closed = true;
    this.fetcher.close();
    this.wake();
    this.cluster.close();
  }

  private ensureOpen(): void {
    if (this.closed) throw new ClientClosedError('consumer');
  }

  private stateOf(tp: TopicPartition): PartitionState<K, V> {
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

  private async resolvePositions(states: PartitionState<K, V>[]): Promise<void> {
    if (states.length === 0) return;
    const fromCommitted = states.filter((s) => s.useCommitted);
    if (fromCommitted.length > 0 && this.group !== null) {
      const committed = await this.group.committed(fromCommitted);
      const byKey = new Map(committed.map((o) => [tpKey(o.topic, o.partition), o]));
      for (const s of fromCommitted) {
        s.useCommitted = false;
        const o = byKey.get(tpKey(s.topic, s.partition));
        if (o !== undefined && o.offset >= 0n) {
          s.position = o.offset;
          s.fetchOffset = o.offset;
          s.reset = null;
        }
      }
      states = states.filter((s) => s.position === null);
      if (states.length === 0) return;
    }
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

  /**
   * Up to max.poll.records buffered records, rotating the partition we start
   * from for fairness. A record error is thrown when nothing was collected yet;
   * else the records are returned and the next poll starts at that partition
   * (a seek in between discards its fetched records, and with them the error).
   */
  private takeBuffered(): ConsumerRecord<K, V>[] {
    const out: ConsumerRecord<K, V>[] = [];
    const max = this.config.maxPollRecords;
    const all = [...this.partitions.values()];
    const start = all.length === 0 ? 0 : this.roundRobin++ % all.length;
    const order = [...all.slice(start), ...all.slice(0, start)];
    const failed = this.failedPartition;
    this.failedPartition = null;
    if (failed !== null && order.includes(failed)) order.unshift(failed);
    for (const state of order) {
      if (out.length >= max) break;
      if (state.paused || !state.hasBuffered) continue;
      try {
        state.drainInto(out, max);
      } catch (err) {
        if (out.length === 0) throw err;
        this.failedPartition = state;
        break;
      }
    }
    return out;
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
