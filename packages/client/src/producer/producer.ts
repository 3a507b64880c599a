import { encodeRecordBatch, type ProduceResponse, type RecordInit } from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import { backoffMs } from '../cluster/backoff.js';
import { Apis } from '../connection/apis.js';
import { ClientClosedError, DeliveryTimeoutError, KafkaClientError, kafkaError } from '../errors.js';
import { ErrorCode, isKafkaError } from '@fluxo/protocol';
import { Accumulator, type PartitionQueue } from './accumulator.js';
import { initProducerId, NO_PRODUCER, type ProducerIdentity } from './idempotence.js';
import { type ProducerConfig, type ResolvedProducerConfig, resolveProducerConfig } from './producer-config.js';
import {
  BATCH_OVERHEAD_BYTES,
  estimateRecordBytes,
  type ProducerBatch,
  type RecordMetadata,
} from './producer-batch.js';
import { headerList, type ProducerRecord, timestampOf } from './producer-record.js';

interface Pending {
  topic: string;
  partition: number | undefined;
  record: RecordInit;
  sizeBytes: number;
  deadlineMs: number;
  resolve(m: RecordMetadata): void;
  reject(e: Error): void;
}

const SEQUENCE_MAX = 0x7fffffff;

/**
 * Kafka producer: send() serializes, partitions and appends to a per-partition
 * batch; the sender drains ready batches, one request per leader, and settles
 * each record's promise from the response. Retries keep a partition's order:
 * a failed batch goes back to the head of its queue and nothing newer of that
 * partition is sent until it is resent.
 */
export class Producer<K = Buffer | null, V = Buffer | null> {
  readonly config: ResolvedProducerConfig<K, V>;
  private readonly cluster: Cluster;
  private readonly accumulator = new Accumulator();
  /** Records waiting for metadata or buffer space, in send() order. */
  private readonly backlog: Pending[] = [];
  private readonly metadataWaits = new Map<string, Promise<void>>();
  private identity: ProducerIdentity | null = null;
  private identityPending: Promise<void> | null = null;
  private drainScheduled = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private backlogTimer: NodeJS.Timeout | null = null;
  private flushing = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private fatalError: Error | null = null;

  /** Validates the whole configuration now: a bad setting throws a ConfigError here, not on first send. */
  constructor(config: ProducerConfig<K, V>) {
    this.config = resolveProducerConfig(config);
    this.cluster = new Cluster(this.config.client, { maxInFlight: this.config.maxInFlight });
    if (!this.config.enableIdempotence) this.identity = NO_PRODUCER;
  }

  /** Sends one record; resolves once the broker acknowledged it (per `acks`). */
  send(record: ProducerRecord<K, V>): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      if (this.closed) return reject(new ClientClosedError('producer'));
      if (this.fatalError !== null) return reject(this.fatalError);
      let pending: Pending;
      try {
        pending = this.prepare(record, resolve, reject);
      } catch (err) {
        return reject(err);
      }
      if (this.backlog.length > 0 || !this.tryAppend(pending)) {
        this.backlog.push(pending);
        this.processBacklog();
      }
    });
  }

  /** Sends everything buffered now (ignoring linger.ms) and resolves when all of it is settled. */
  async flush(): Promise<void> {
    if (this.isIdle()) return;
    this.flushing++;
    try {
      this.scheduleDrain();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes connections. Further sends are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    if (this.backlogTimer !== null) clearTimeout(this.backlogTimer);
    this.cluster.close();
  }

  private prepare(
    record: ProducerRecord<K, V>,
    resolve: (m: RecordMetadata) => void,
    reject: (e: Error) => void,
  ): Pending {
    if (typeof record?.topic !== 'string' || record.topic.length === 0) {
      throw new TypeError('record.topic must be a non-empty string');
    }
    const key = record.key === undefined ? null : this.config.keySerializer.serialize(record.key, record.topic);
    const value = this.config.valueSerializer.serialize(record.value, record.topic);
    const init: RecordInit = { key, value, timestamp: timestampOf(record.timestamp, Date.now()) };
    const headers = headerList(record.headers);
    if (headers !== undefined) init.headers = headers;
    const sizeBytes = estimateRecordBytes(init);
    if (sizeBytes > this.config.maxRequestSize) {
      throw new KafkaClientError(
        'RECORD_TOO_LARGE',
        ErrorCode.MESSAGE_TOO_LARGE,
        false,
        `record of ~${sizeBytes} bytes exceeds maxRequestSize ${this.config.maxRequestSize}`,
      );
    }
    if (record.partition !== undefined && (!Number.isInteger(record.partition) || record.partition < 0)) {
      throw new TypeError(`record.partition must be a non-negative integer, got ${record.partition}`);
    }
    return {
      topic: record.topic,
      partition: record.partition,
      record: init,
      sizeBytes,
      deadlineMs: performance.now() + this.config.maxBlockMs,
      resolve,
      reject,
    };
  }

  /** Appends when metadata is known and memory allows; false means "wait in the backlog". */
  private tryAppend(p: Pending): boolean {
    const topic = this.cluster.metadata.topics.get(p.topic);
    if (topic === undefined || topic.partitions.length === 0) return false;
    if (this.accumulator.bufferedBytes + p.sizeBytes > this.config.bufferMemory && this.accumulator.bufferedBytes > 0) {
      return false;
    }
    const numPartitions = topic.partitions.length;
    let partition = p.partition;
    if (partition === undefined) {
      const available = topic.partitions.filter((x) => x.leaderId >= 0).map((x) => x.partition);
      partition = this.config.partitioner.partition({
        topic: p.topic,
        key: (p.record.key as Buffer | null) ?? null,
        numPartitions,
        availablePartitions: available,
      });
    }
    if (partition >= numPartitions) {
      p.reject(
        kafkaError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `${p.topic}-${partition}`,
          `topic has ${numPartitions} partitions`,
        ),
      );
      return true;
    }
    const queue = this.accumulator.queueOf(p.topic, partition);
    const [batch, startedNew] = this.accumulator.batchFor(queue, p.sizeBytes, this.config.batchSize, performance.now());
    if (startedNew && p.partition === undefined) this.config.partitioner.onNewBatch?.(p.topic, partition);
    this.accumulator.bufferedBytes += p.sizeBytes;
    batch.append(p.record, p.sizeBytes, { resolve: p.resolve, reject: p.reject });
    if (batch.sizeBytes >= this.config.batchSize || this.config.lingerMs === 0 || this.flushing > 0)
      this.scheduleDrain();
    else this.armLingerTimer();
    return true;
  }

  private processBacklog(): void {
    while (this.backlog.length > 0) {
      const head = this.backlog[0]!;
      if (performance.now() >= head.deadlineMs) {
        this.backlog.shift();
        head.reject(
          new DeliveryTimeoutError(`send to ${head.topic} blocked longer than maxBlockMs ${this.config.maxBlockMs}`),
        );
        continue;
      }
      if (this.tryAppend(head)) {
        this.backlog.shift();
        continue;
      }
      if (!this.cluster.metadata.topics.has(head.topic)) this.awaitTopic(head.topic);
      this.armBacklogTimer();
      return;
    }
    this.checkIdle();
  }

  private awaitTopic(topic: string): void {
    if (this.metadataWaits.has(topic)) return;
    const wait = this.cluster
      .topic(topic, this.config.maxBlockMs, true)
      .then(() => {})
      .catch((err: Error) => {
        // Fail every waiting record of this topic with the metadata error.
        for (let i = this.backlog.length - 1; i >= 0; i--) {
          if (this.backlog[i]!.topic === topic) this.backlog.splice(i, 1)[0]!.reject(err);
        }
      })
      .finally(() => {
        this.metadataWaits.delete(topic);
        this.processBacklog();
      });
    this.metadataWaits.set(topic, wait);
  }

  private armBacklogTimer(): void {
    if (this.backlogTimer !== null) return;
    this.backlogTimer = setTimeout(
      () => {
        this.backlogTimer = null;
        this.processBacklog();
      },
      Math.max(1, Math.min(100, this.config.maxBlockMs)),
    );
  }

  private armLingerTimer(): void {
    if (this.lingerTimer !== null) return;
    const waitMs = this.accumulator.nextLingerDeadlineMs(performance.now(), this.config.lingerMs);
    if (waitMs === Number.POSITIVE_INFINITY) return;
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.drain();
    }, waitMs);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.identity === null) {
      this.ensureIdentity();
      return;
    }
    const nowMs = performance.now();
    this.expireQueued(nowMs);
    const batches = this.accumulator.drain({
      nowMs,
      lingerMs: this.config.lingerMs,
      batchSize: this.config.batchSize,
      maxInFlightPerPartition: this.config.maxInFlight,
      flushing: this.flushing > 0,
    });
    const byLeader = new Map<number, ProducerBatch[]>();
    for (const batch of batches) {
      const leader = this.cluster.metadata.leaderOf(batch.topic, batch.partition);
      if (leader < 0) {
        this.cluster.refreshTopicsShared([batch.topic]).catch(() => {});
        this.retryLater(batch, kafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `${batch.topic}-${batch.partition}`));
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(batch);
      byLeader.set(leader, list);
    }
    for (const [leader, list] of byLeader) this.sendToLeader(leader, list);
    this.armLingerTimer();
    this.checkIdle();
  }

  private ensureIdentity(): void {
    if (this.identityPending !== null) return;
    this.identityPending = initProducerId(this.cluster)
      .then((identity) => {
        if (identity === null && this.config.idempotenceExplicit) {
          throw new KafkaClientError(
            'UNSUPPORTED_VERSION',
            ErrorCode.UNSUPPORTED_VERSION,
            false,
            'enableIdempotence is true but the broker does not support InitProducerId',
          );
        }
        this.identity = identity ?? NO_PRODUCER;
      })
      .catch((err: Error) => {
        if (isKafkaError(err) && err.retriable) return;
        this.fatalError = err;
        this.failEverything(err);
      })
      .finally(() => {
        this.identityPending = null;
        this.scheduleDrain();
      });
  }

  /** Fails batches still queued (e.g. no leader) once delivery.timeout.ms has passed. */
  private expireQueued(nowMs: number): void {
    for (const queue of this.accumulator.queues.values()) {
      while (queue.batches.length > 0 && queue.inFlight === 0) {
        const first = queue.batches[0]!;
        if (nowMs - first.createdAtMs < this.config.deliveryTimeoutMs) break;
        queue.batches.shift();
        this.release(first);
        first.fail(
          new DeliveryTimeoutError(
            `${first.recordCount} record(s) for ${first.topic}-${first.partition} expired after ${this.config.deliveryTimeoutMs} ms`,
            { cause: first.lastError },
          ),
        );
      }
    }
  }

  private encode(batch: ProducerBatch, queue: PartitionQueue): Buffer {
    if (batch.encoded !== null) return batch.encoded;
    const identity = this.identity ?? NO_PRODUCER;
    if (identity.producerId >= 0n) {
      batch.baseSequence = queue.nextSequence;
      queue.nextSequence = (queue.nextSequence + batch.recordCount) % (SEQUENCE_MAX + 1);
    }
    batch.encoded = encodeRecordBatch({
      compression: this.config.compression,
      producerId: identity.producerId,
      producerEpoch: identity.producerEpoch,
      baseSequence: batch.baseSequence,
      records: batch.records,
    });
    return batch.encoded;
  }

  private sendToLeader(leader: number, batches: ProducerBatch[]): void {
    const queues = batches.map((b) => this.accumulator.queueOf(b.topic, b.partition));
    const topicData = new Map<string, { index: number; records: Buffer }[]>();
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      queues[i]!.inFlight++;
      batch.attempts++;
      let encoded: Buffer;
      try {
        encoded = this.encode(batch, queues[i]!);
      } catch (err) {
        queues[i]!.inFlight--;
        this.release(batch);
        batch.fail(err as Error);
        continue;
      }
      const list = topicData.get(batch.topic) ?? [];
      list.push({ index: batch.partition, records: encoded });
      topicData.set(batch.topic, list);
    }
    const request = {
      transactionalId: null,
      acks: this.config.acks,
      timeoutMs: this.config.client.requestTimeoutMs,
      topicData: [...topicData].map(([name, partitionData]) => ({ name, partitionData })),
    };
    const live = batches.filter((_, i) => batches[i]!.encoded !== null);
    const settle = (response: ProduceResponse.ProduceResponseData | null, error: Error | null) => {
      for (const batch of live) this.accumulator.queueOf(batch.topic, batch.partition).inFlight--;
      if (error !== null) for (const batch of live) this.onBatchError(batch, error);
      else this.onResponse(live, response);
      this.scheduleDrain();
    };
    this.cluster
      .connectionTo(leader)
      .then((conn) => {
        if (this.config.acks === 0) return conn.sendNoResponse(Apis.produce, request).then(() => settle(null, null));
        return conn.request(Apis.produce, request).then((r) => settle(r, null));
      })
      .catch((err: Error) => settle(null, err));
  }

  private onResponse(batches: ProducerBatch[], response: ProduceResponse.ProduceResponseData | null): void {
    const results = new Map<string, ProduceResponse.PartitionProduceResponse>();
    for (const topic of response?.responses ?? []) {
      for (const p of topic.partitionResponses) results.set(`${topic.name}\u0000${p.index}`, p);
    }
    for (const batch of batches) {
      if (response === null) {
        this.release(batch);
        batch.complete(-1n, -1n);
        continue;
      }
      const result = results.get(`${batch.topic}\u0000${batch.partition}`);
      if (result === undefined) {
        this.onBatchError(
          batch,
          kafkaError(
            ErrorCode.UNKNOWN_SERVER_ERROR,
            `${batch.topic}-${batch.partition}`,
            'no answer for this partition',
          ),
        );
      } else if (result.errorCode === 0 || result.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        this.release(batch);
        batch.complete(result.errorCode === 0 ? result.baseOffset : -1n, result.logAppendTimeMs);
      } else {
        const detail = result.errorMessage ?? result.recordErrors[0]?.batchIndexErrorMessage ?? null;
        this.onBatchError(batch, kafkaError(result.errorCode, `${batch.topic}-${batch.partition}`, detail));
      }
    }
  }

  private onBatchError(batch: ProducerBatch, error: Error): void {
    const retriable = isKafkaError(error) && error.retriable;
    if (!retriable) {
      this.release(batch);
      batch.fail(error);
      return;
    }
    this.cluster.metadata.invalidateLeader(batch.topic, batch.partition);
    this.cluster.refreshTopicsShared([batch.topic]).catch(() => {});
    this.retryLater(batch, error);
  }

  private retryLater(batch: ProducerBatch, error: Error): void {
    const nowMs = performance.now();
    const delayMs = backoffMs(batch.attempts, this.config.client.retryBackoffMs, 1000);
    if (nowMs + delayMs - batch.createdAtMs >= this.config.deliveryTimeoutMs) {
      this.release(batch);
      batch.fail(
        new DeliveryTimeoutError(`${batch.topic}-${batch.partition}: delivery timed out: ${error.message}`, {
          cause: error,
        }),
      );
      return;
    }
    batch.lastError = error;
    batch.retryAtMs = nowMs + delayMs;
    if (batch.attempts === 0) batch.attempts = 1; // counts as a try, so drain treats it as a retry
    this.accumulator.requeue(this.accumulator.queueOf(batch.topic, batch.partition), batch);
    this.armLingerTimer();
  }

  private release(batch: ProducerBatch): void {
    this.accumulator.bufferedBytes -= batch.sizeBytes - BATCH_OVERHEAD_BYTES;
    if (this.backlog.length > 0) queueMicrotask(() => this.processBacklog());
  }

  private failEverything(err: Error): void {
    for (const p of this.backlog.splice(0)) p.reject(err);
    for (const queue of this.accumulator.queues.values()) {
      for (const batch of queue.batches.splice(0)) {
        this.release(batch);
        batch.fail(err);
      }
    }
    this.checkIdle();
  }

  private isIdle(): boolean {
    return this.backlog.length === 0 && this.accumulator.isEmpty;
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
