import { encodeRecordBatch, ErrorCode, isKafkaError, type ProduceResponse } from '@fluxo/protocol';
import { backoffMs } from '../cluster/backoff.js';
import type { Cluster } from '../cluster/cluster.js';
import { Apis } from '../connection/apis.js';
import { DeliveryTimeoutError, KafkaClientError, kafkaError } from '../errors.js';
import type { Accumulator, PartitionQueue } from './accumulator.js';
import { carriesProducerState, withProducerState } from './batch-producer-state.js';
import { initProducerId } from './idempotence.js';
import { IdempotenceManager } from './idempotence-manager.js';
import { isFatalProducerError, isLeaderGoneError, isStaleMetadataError } from './produce-errors.js';
import { BATCH_OVERHEAD_BYTES, estimateRecordBytes, type ProducerBatch } from './producer-batch.js';
import type { ResolvedProducerConfig } from './producer-config.js';

type PartitionResult = ProduceResponse.PartitionProduceResponse;

/** Retry backoff cap (Java's retry.backoff.max.ms default). */
const RETRY_BACKOFF_MAX_MS = 1000;

export interface SenderHooks {
  /** Buffer memory was given back. */
  onRelease(): void;
  /** A batch settled or the queues changed: the producer checks whether it is idle. */
  onProgress(): void;
  /** The producer cannot go on: fail everything not yet in the accumulator too. */
  onFatal(error: Error): void;
}

/**
 * Kafka's Sender: drains ready batches into one Produce request per leader,
 * settles each batch from its partition's answer, and retries what may be
 * retried, in order, until delivery.timeout.ms. With idempotence it asks the
 * broker for a producer id first and follows IdempotenceManager's sequence
 * and epoch rules.
 */
export class Sender {
  /** null without idempotence (off, or the broker has no InitProducerId and it was not asked for). */
  private idempotence: IdempotenceManager | null;
  private identityKnown = false;
  private identityPending = false;
  private identityFailures = 0;
  private identityRetryAtMs = 0;
  private readonly refreshing = new Set<string>();
  /** Per leader: settles once the last drained request was handed to its connection (keeps send order). */
  private readonly lastWrite = new Map<number, Promise<void>>();
  private drainScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private closed = false;
  flushing = 0;
  fatalError: Error | null = null;

  constructor(
    private readonly config: ResolvedProducerConfig<unknown, unknown>,
    private readonly cluster: Cluster,
    private readonly accumulator: Accumulator,
    private readonly hooks: SenderHooks,
  ) {
    this.idempotence = config.enableIdempotence ? new IdempotenceManager() : null;
  }

  /** The idempotence state (tests and diagnostics). */
  get idempotenceManager(): IdempotenceManager | null {
    return this.idempotence;
  }

  /** Drains on the next turn of the event loop (many sends of one tick share it). */
  wakeup(): void {
    if (this.drainScheduled || this.closed) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.run();
    });
  }

  /** Arms the timer for the next linger, backoff or expiry deadline (after an append that did not wake us). */
  schedule(): void {
    const nowMs = performance.now();
    // Already lingered long enough (the append itself was slow): drain now. armTimer treats
    // "ready now" as "blocked, something else will wake us", which nothing would here.
    if (this.accumulator.nextReadyInMs(nowMs, this.config.lingerMs) === 0) this.wakeup();
    else this.armTimer(nowMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass: expire, settle the idempotence state, drain, send. */
  private run(): void {
    if (this.closed || this.fatalError !== null) return;
    const nowMs = performance.now();
    this.expire(nowMs);
    const idempotence = this.idempotence;
    if (idempotence !== null) {
      idempotence.resolveSequences();
      idempotence.bumpEpochIfRequested();
      if (idempotence.identity === null) this.ensureIdentity(nowMs);
    }
    // Drain until nothing more may go: each round is one request per leader (at most one batch per
    // partition in it), so a partition gets up to maxInFlight requests pipelined, as Java's sender loop does.
    for (;;) {
      const drained = this.accumulator.drain({
        nowMs,
        lingerMs: this.config.lingerMs,
        batchSize: this.config.batchSize,
        maxInFlightPerPartition: this.config.maxInFlight,
        flushing: this.flushing > 0,
        leaderOf: (queue) => this.cluster.metadata.leaderOf(queue.topic, queue.partition),
        mayDrain: idempotence === null ? () => true : (queue, first) => idempotence.mayDrain(queue, first),
      });
      for (const topic of drained.unknownLeaderTopics) this.refreshTopic(topic);
      if (drained.batches.length === 0) break;
      const byLeader = new Map<number, ProducerBatch[]>();
      for (const batch of drained.batches) {
        const queue = this.queueOf(batch);
        idempotence?.assignSequence(queue, batch);
        this.accumulator.track(queue, batch);
        const leader = this.cluster.metadata.leaderOf(batch.topic, batch.partition);
        const list = byLeader.get(leader) ?? [];
        list.push(batch);
        byLeader.set(leader, list);
      }
      for (const [leader, list] of byLeader) this.sendToLeader(leader, list);
    }
    this.armTimer(nowMs);
    this.hooks.onProgress();
  }

  private ensureIdentity(nowMs: number): void {
    if (this.identityPending || nowMs < this.identityRetryAtMs) return;
    this.identityPending = true;
    initProducerId(this.cluster)
      .then((identity) => {
        this.identityFailures = 0;
        if (identity !== null) {
          this.identityKnown = true;
          this.idempotence?.setIdentity(identity);
          return;
        }
        if (this.config.idempotenceExplicit || this.identityKnown) {
          throw new KafkaClientError(
            'UNSUPPORTED_VERSION',
            ErrorCode.UNSUPPORTED_VERSION,
            false,
            'enableIdempotence is true but the broker does not support InitProducerId',
          );
        }
        this.idempotence = null; // idempotence by default only: plain batches, as before KIP-679
      })
      .catch((err: Error) => {
        if (isKafkaError(err) && err.retriable) {
          this.identityRetryAtMs =
            performance.now() +
            backoffMs(this.identityFailures++, this.config.client.retryBackoffMs, RETRY_BACKOFF_MAX_MS);
          return;
        }
        this.failFatally(err);
      })
      .finally(() => {
        this.identityPending = false;
        this.wakeup();
      });
  }

  /**
   * Fails batches whose delivery.timeout.ms passed: waiting ones leave their
   * queue; one in flight fails now and settles its bookkeeping when its
   * request ends (Java's getExpiredInflightBatches).
   */
  private expire(nowMs: number): void {
    const cutoffMs = nowMs - this.config.deliveryTimeoutMs;
    for (const queue of this.accumulator.queues.values()) {
      // Both lists are in creation order, so the expired ones are a prefix of each.
      for (const batch of [...expiredPrefix(queue.unfinished, cutoffMs), ...expiredPrefix(queue.batches, cutoffMs)]) {
        if (batch.isDone) continue;
        const error = new DeliveryTimeoutError(
          `expiring ${batch.recordCount} record(s) for ${where(batch)}: ${Math.round(nowMs - batch.createdAtMs)} ms has passed since batch creation (deliveryTimeoutMs ${this.config.deliveryTimeoutMs})`,
          { cause: batch.lastError ?? undefined },
        );
        if (batch.inFlight) {
          this.release(batch);
          batch.fail(error);
        } else {
          this.fail(queue, batch, error);
        }
      }
    }
  }

  private queueOf(batch: ProducerBatch): PartitionQueue {
    return this.accumulator.queueOf(batch.topic, batch.partition);
  }

  /** The batch's bytes for this attempt: encoded once, its header rewritten after a re-sequencing. */
  private bytesOf(batch: ProducerBatch): Buffer {
    const state = {
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
    };
    if (batch.encoded === null) {
      batch.encoded = encodeRecordBatch({ compression: this.config.compression, ...state, records: batch.records });
    } else if (!carriesProducerState(batch.encoded, state)) {
      batch.encoded = withProducerState(batch.encoded, state);
    }
    return batch.encoded;
  }

  private sendToLeader(leader: number, batches: ProducerBatch[]): void {
    const topicData = new Map<string, { index: number; records: Buffer }[]>();
    const live: ProducerBatch[] = [];
    for (const batch of batches) {
      let bytes: Buffer;
      try {
        bytes = this.bytesOf(batch);
      } catch (err) {
        this.fail(this.queueOf(batch), batch, err as Error);
        continue;
      }
      this.queueOf(batch).inFlight++;
      batch.inFlight = true;
      batch.attempts++;
      live.push(batch);
      const list = topicData.get(batch.topic) ?? [];
      list.push({ index: batch.partition, records: bytes });
      topicData.set(batch.topic, list);
    }
    if (live.length === 0) return;
    const request = {
      transactionalId: null,
      acks: this.config.acks,
      timeoutMs: this.config.client.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({ name, partitionData })),
    };
    const settle = (response: ProduceResponse.ProduceResponseData | null, error: Error | null) => {
      for (const batch of live) {
        this.queueOf(batch).inFlight--;
        batch.inFlight = false;
      }
      if (error !== null) for (const batch of live) this.onNoAnswer(batch, error);
      else this.onResponse(live, response);
      this.wakeup();
    };
    // Requests reach a leader's connection in the order they were drained: while the
    // connection is being opened, a later request must not overtake an earlier one, or
    // the broker sees a partition's sequences out of order (one with no state for the
    // producer yet would even take the later batch first, as KIP-360 lets it).
    const previous = this.lastWrite.get(leader) ?? Promise.resolve();
    const queued = previous
      .then(() => this.cluster.connectionTo(leader))
      .then((conn) => ({
        answer:
          this.config.acks === 0
            ? conn.sendNoResponse(Apis.produce, request).then(() => null)
            : conn.request(Apis.produce, request),
      }));
    const written = queued.then(
      () => undefined,
      () => undefined,
    );
    this.lastWrite.set(leader, written);
    void written.then(() => {
      if (this.lastWrite.get(leader) === written) this.lastWrite.delete(leader);
    });
    queued
      .then(({ answer }) => answer)
      .then((r) => settle(r, null))
      .catch((err: Error) => settle(null, err));
  }

  private onResponse(batches: ProducerBatch[], response: ProduceResponse.ProduceResponseData | null): void {
    if (response === null) {
      for (const batch of batches) this.complete(batch, -1n, -1n); // acks=0
      return;
    }
    const results = new Map<string, PartitionResult>();
    for (const topic of response.responses) {
      for (const p of topic.partitionResponses) results.set(`${topic.name}\u0000${p.index}`, p);
    }
    for (const batch of batches) {
      const result = results.get(`${batch.topic}\u0000${batch.partition}`);
      if (result === undefined)
        this.onNoAnswer(
          batch,
          kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, where(batch), 'no answer for this partition'),
        );
      else this.onPartitionResult(batch, result);
    }
  }

  private onPartitionResult(batch: ProducerBatch, result: PartitionResult): void {
    const code = result.errorCode;
    // DUPLICATE_SEQUENCE_NUMBER: stored before, beyond the broker's memory of offsets: a success without one.
    if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
      this.complete(batch, code === ErrorCode.NONE ? result.baseOffset : -1n, result.logAppendTimeMs);
      return;
    }
    if (isStaleMetadataError(code)) {
      if (isLeaderGoneError(code)) this.cluster.metadata.invalidateLeader(batch.topic, batch.partition);
      this.refreshTopic(batch.topic);
    }
    // These two come after the leader appended the batch (replication fell short): as unsure as a lost answer.
    if (code === ErrorCode.REQUEST_TIMED_OUT || code === ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND) {
      batch.fateUnknown = true;
    }
    if (code === ErrorCode.MESSAGE_TOO_LARGE && batch.recordCount > 1 && !batch.isDone) {
      this.split(batch);
      return;
    }
    const detail = result.errorMessage ?? result.recordErrors[0]?.batchIndexErrorMessage ?? null;
    this.retryOrFail(batch, kafkaError(code, where(batch), detail), code, result.logStartOffset);
  }

  /** The request got no answer (connection lost, timed out): the broker may or may not have the batch. */
  private onNoAnswer(batch: ProducerBatch, error: Error): void {
    batch.fateUnknown = true;
    this.refreshTopic(batch.topic);
    this.retryOrFail(batch, error, undefined, -1n);
  }

  private retryOrFail(batch: ProducerBatch, error: Error, code: number | undefined, logStartOffset: bigint): void {
    const queue = this.queueOf(batch);
    if (batch.isDone) {
      // Expired (or failed fatally) while in flight: only the bookkeeping is left.
      this.accumulator.finish(queue, batch);
      this.idempotence?.failed(queue, batch, code !== undefined && !batch.fateUnknown);
      return;
    }
    const nowMs = performance.now();
    const delayMs = backoffMs(batch.attempts - 1, this.config.client.retryBackoffMs, RETRY_BACKOFF_MAX_MS);
    const inTime = nowMs + delayMs - batch.createdAtMs < this.config.deliveryTimeoutMs;
    const retriable =
      inTime &&
      batch.attempts <= this.config.retries &&
      ((code === undefined ? undefined : this.idempotence?.canRetry(queue, batch, code, logStartOffset)) ??
        (isKafkaError(error) && error.retriable));
    if (retriable) {
      batch.lastError = error;
      batch.retryAtMs = nowMs + delayMs;
      this.accumulator.requeue(queue, batch);
      return;
    }
    if (code !== undefined && isFatalProducerError(code)) {
      this.failFatally(error);
      return;
    }
    const final = inTime
      ? error
      : new DeliveryTimeoutError(
          `${where(batch)}: delivery timed out after ${batch.attempts} attempt(s): ${error.message}`,
          {
            cause: error,
          },
        );
    this.fail(queue, batch, final, code !== undefined);
  }

  /**
   * MESSAGE_TOO_LARGE for a batch of several records: send its halves instead
   * (Java splits by batch.size, which never shrinks a batch under a topic's
   * smaller max.message.bytes; halving always gets there). The parts take the
   * batch's place and, when sequenced, its sequence range: the broker stored none of it.
   */
  private split(batch: ProducerBatch): void {
    const queue = this.queueOf(batch);
    const parts = batch.split(2, estimateRecordBytes);
    if (batch.hasSequence) {
      let sequence = batch.baseSequence;
      for (const part of parts) {
        part.producerId = batch.producerId;
        part.producerEpoch = batch.producerEpoch;
        part.baseSequence = sequence;
        part.sequenceReset = batch.sequenceReset;
        sequence += part.recordCount;
      }
    }
    this.accumulator.replace(queue, batch, parts);
  }

  private complete(batch: ProducerBatch, baseOffset: bigint, logAppendTimeMs: bigint): void {
    const queue = this.queueOf(batch);
    this.accumulator.finish(queue, batch);
    this.idempotence?.completed(queue, batch, baseOffset);
    this.release(batch);
    batch.complete(baseOffset, logAppendTimeMs);
  }

  /** Fails a batch to its senders. `answered`: this last attempt got a broker error (not a lost answer). */
  private fail(queue: PartitionQueue, batch: ProducerBatch, error: Error, answered = false): void {
    this.accumulator.finish(queue, batch);
    this.idempotence?.failed(queue, batch, answered && !batch.fateUnknown);
    this.release(batch);
    batch.fail(error);
  }

  private failFatally(error: Error): void {
    if (this.fatalError === null) this.fatalError = error;
    this.failIncomplete(error);
    this.hooks.onFatal(error);
  }

  /** Fails every batch not yet acknowledged (a fatal error, or a close whose timeout passed). */
  failIncomplete(error: Error): void {
    for (const queue of this.accumulator.queues.values()) {
      for (const batch of [...queue.batches, ...queue.unfinished]) {
        if (batch.isDone) continue;
        if (batch.inFlight) {
          this.release(batch);
          batch.fail(error);
        } else this.fail(queue, batch, error);
      }
    }
  }

  private release(batch: ProducerBatch): void {
    if (batch.released) return;
    batch.released = true;
    this.accumulator.bufferedBytes -= batch.sizeBytes - BATCH_OVERHEAD_BYTES;
    this.hooks.onRelease();
  }

  /** Refreshes one topic's metadata (shared with concurrent callers), then drains again. */
  private refreshTopic(topic: string): void {
    if (this.refreshing.has(topic) || this.closed) return;
    this.refreshing.add(topic);
    this.cluster
      .refreshTopicsShared([topic])
      .then(
        () => 0,
        () => this.config.client.retryBackoffMs,
      )
      .then((delayMs) =>
        setTimeout(() => {
          this.refreshing.delete(topic);
          this.wakeup();
        }, delayMs),
      );
  }

  /**
   * One timer for the next moment a pass can do something: a batch lingers
   * out or ends its backoff, a batch expires, InitProducerId may be retried.
   * Deadlines already past are not waited for: what they block on (an answer,
   * metadata) wakes the sender itself.
   */
  private armTimer(nowMs: number): void {
    if (this.closed) return;
    let atMs = nowMs + this.accumulator.nextReadyInMs(nowMs, this.config.lingerMs);
    if (atMs <= nowMs) atMs = Number.POSITIVE_INFINITY;
    for (const queue of this.accumulator.queues.values()) {
      const oldest = queue.unfinished.find((b) => !b.isDone) ?? queue.batches[0];
      if (oldest !== undefined) atMs = Math.min(atMs, oldest.createdAtMs + this.config.deliveryTimeoutMs);
    }
    if (this.idempotence?.identity === null && this.identityRetryAtMs > nowMs) {
      atMs = Math.min(atMs, this.identityRetryAtMs);
    }
    if (this.timer !== null && this.timerAtMs <= atMs && atMs !== Number.POSITIVE_INFINITY) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    // Nothing to wait for: no timer left to keep an idle producer's process alive.
    if (atMs === Number.POSITIVE_INFINITY) return;
    this.timerAtMs = atMs;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAtMs = Number.POSITIVE_INFINITY;
        this.run();
      },
      Math.max(1, Math.ceil(atMs - nowMs)),
    );
  }
}

function expiredPrefix(list: readonly ProducerBatch[], cutoffMs: number): ProducerBatch[] {
  let n = 0;
  while (n < list.length && list[n]!.createdAtMs <= cutoffMs) n++;
  return list.slice(0, n);
}

function where(batch: ProducerBatch): string {
  return `${batch.topic}-${batch.partition}`;
}
