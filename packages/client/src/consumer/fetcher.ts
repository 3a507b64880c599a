import { ErrorCode, FetchRequest, type FetchResponse, isKafkaError, ZERO_UUID } from '@fluxo/protocol';
import { sleep } from '../cluster/backoff.js';
import type { Cluster } from '../cluster/cluster.js';
import { Apis } from '../connection/apis.js';
import { kafkaError } from '../errors.js';
import type { ResolvedConsumerConfig } from './consumer-config.js';
import { tpKey } from './consumer-record.js';
import { FetchedRecords } from './fetched-records.js';
import type { PartitionState } from './partition-state.js';

export interface FetcherEvents {
  /** Records arrived, an answer failed or a retry is due: poll() should look again. */
  wake(): void;
  /** A fetch error poll() should throw (retriable ones are retried here and never reported). */
  error(err: Error): void;
}

/**
 * Keeps one Fetch in flight per leader (Java's Fetcher): when an answer
 * arrives its records are buffered undecoded and the next request goes out at
 * once, before poll() hands any of them out, so the broker reads the next
 * records while the application works through these. A partition is fetched
 * while it holds less than max.partition.fetch.bytes of undelivered records,
 * so each holds at most about two answers' worth, and no fetch goes out while
 * the unpaused partitions together hold fetch.max.bytes.
 */
export class Fetcher<K, V> {
  private readonly leadersFetching = new Set<number>();
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly config: ResolvedConsumerConfig<K, V>,
    private readonly partitions: ReadonlyMap<string, PartitionState<K, V>>,
    private readonly events: FetcherEvents,
  ) {}

  close(): void {
    this.closed = true;
  }

  /** Sends a Fetch to each leader that has none in flight, for its partitions that want more records. */
  fetchMore(): void {
    if (this.closed) return;
    const byLeader = new Map<number, { wanted: PartitionState<K, V>[]; full: boolean }>();
    let bufferedBytes = 0;
    for (const state of this.partitions.values()) if (!state.paused) bufferedBytes += state.bufferedBytes;
    // Bounds memory when the application is slower than the brokers. Paused partitions are not counted: they are
    // not fetched, so they cannot grow, and what they hold must not stop the others.
    if (bufferedBytes >= this.config.fetchMaxBytes) return;
    for (const state of this.partitions.values()) {
      if (state.paused || state.fetching || state.fetchOffset === null || state.blocked) continue;
      const leader = this.cluster.metadata.leaderOf(state.topic, state.partition);
      if (leader < 0) {
        this.cluster.refreshTopicsShared([state.topic]).then(
          () => this.events.wake(),
          (err: Error) => this.onError(err),
        );
        continue;
      }
      if (this.leadersFetching.has(leader)) continue;
      let entry = byLeader.get(leader);
      if (entry === undefined) {
        entry = { wanted: [], full: false };
        byLeader.set(leader, entry);
      }
      if (state.bufferedBytes < this.config.maxPartitionFetchBytes) entry.wanted.push(state);
      else entry.full = true;
    }
    for (const [leader, { wanted, full }] of byLeader) {
      if (wanted.length === 0) continue;
      // A fetch of only caught-up partitions waits fetch.max.wait.ms at the broker; sent now it would hold up
      // the partitions that are full, which need their next records as soon as the application drains them.
      if (full && wanted.every((s) => s.caughtUp)) continue;
      void this.fetchFrom(leader, wanted);
    }
  }

  private async fetchFrom(leader: number, states: PartitionState<K, V>[]): Promise<void> {
    this.leadersFetching.add(leader);
    for (const s of states) s.fetching = true;
    const epochs = states.map((s) => s.epoch);
    const offsets = states.map((s) => s.fetchOffset!);
    try {
      const conn = await this.cluster.connectionTo(leader);
      const response = await conn.request(Apis.fetch, this.requestFor(states), {
        version: conn.versionOf(Apis.fetch),
        extraTimeoutMs: this.config.fetchMaxWaitMs,
      });
      if (response.errorCode !== 0) throw kafkaError(response.errorCode, 'Fetch');
      this.onResponse(response, states, epochs, offsets);
    } catch (err) {
      this.onError(err as Error);
      await sleep(this.config.client.retryBackoffMs);
    } finally {
      this.leadersFetching.delete(leader);
      for (const s of states) s.fetching = false;
    }
    this.fetchMore();
    this.events.wake();
  }

  private requestFor(states: PartitionState<K, V>[]): FetchRequest.FetchRequestData {
    const byTopic = new Map<string, PartitionState<K, V>[]>();
    for (const s of states) {
      const list = byTopic.get(s.topic);
      if (list === undefined) byTopic.set(s.topic, [s]);
      else list.push(s);
    }
    return FetchRequest.create({
      replicaId: -1,
      maxWaitMs: this.config.fetchMaxWaitMs,
      minBytes: this.config.fetchMinBytes,
      maxBytes: this.config.fetchMaxBytes,
      isolationLevel: this.config.isolationLevel,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...byTopic].map(([topic, list]) => ({
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
  }

  private onResponse(
    response: FetchResponse.FetchResponseData,
    states: PartitionState<K, V>[],
    epochs: number[],
    offsets: bigint[],
  ): void {
    const results = new Map<string, FetchResponse.PartitionData>();
    let names: Map<string, string> | null = null;
    for (const t of response.responses) {
      let name = t.topic;
      if (name === '') {
        // v13+ names topics by id.
        names ??= new Map([...this.cluster.metadata.topics.values()].map((info) => [info.topicId, info.name]));
        name = names.get(t.topicId) ?? '';
      }
      for (const p of t.partitions) results.set(tpKey(name, p.partitionIndex), p);
    }
    for (let i = 0; i < states.length; i++) {
      const state = states[i]!;
      const key = tpKey(state.topic, state.partition);
      // A seek, reset or new assignment since the request was sent makes its answer stale.
      if (state.epoch !== epochs[i] || this.partitions.get(key) !== state) continue;
      const result = results.get(key);
      if (result !== undefined) this.onPartition(state, result, offsets[i]!);
    }
  }

  private onPartition(state: PartitionState<K, V>, result: FetchResponse.PartitionData, fetchOffset: bigint): void {
    if (result.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && this.config.autoOffsetReset !== 'none') {
      state.resetTo(this.config.autoOffsetReset);
      return;
    }
    if (result.errorCode !== 0) {
      const err = kafkaError(result.errorCode, `Fetch ${state.topic}-${state.partition}`);
      if (err.retriable) this.cluster.metadata.invalidateLeader(state.topic, state.partition);
      else this.events.error(err);
      return;
    }
    state.highWatermark = result.highWatermark;
    let nextOffset = fetchOffset;
    if (result.records !== null && result.records.length > 0) {
      const aborted = this.config.isolationLevel === 1 ? (result.abortedTransactions ?? []) : null;
      const fetched = new FetchedRecords(result.records, fetchOffset, this.config.checkCrcs, aborted, {
        topic: state.topic,
        partition: state.partition,
        keyDeserializer: this.config.keyDeserializer,
        valueDeserializer: this.config.valueDeserializer,
      });
      // An answer holding only part of a batch has nothing to hand out: the next fetch brings it whole.
      if (!fetched.done) state.addFetched(fetched);
      nextOffset = fetched.nextOffset;
      state.fetchOffset = nextOffset;
    }
    const end = this.config.isolationLevel === 1 ? result.lastStableOffset : result.highWatermark;
    state.caughtUp = nextOffset >= end;
  }

  private onError(err: Error): void {
    if (isKafkaError(err) && err.retriable) return; // a new connection / metadata is tried on the next round
    this.events.error(err);
  }
}
