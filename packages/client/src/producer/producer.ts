import { ErrorCode, type RecordInit } from '@fluxo/protocol';
import { Cluster } from '../cluster/cluster.js';
import {
  ClientClosedError,
  DeliveryTimeoutError,
  KafkaClientError,
  kafkaError,
  SerializationError,
} from '../errors.js';
import type { Serializer } from '../serde/serializers.js';
import { Accumulator } from './accumulator.js';
import type { IdempotenceManager } from './idempotence-manager.js';
import { type ProducerConfig, type ResolvedProducerConfig, resolveProducerConfig } from './producer-config.js';
import { estimateRecordBytes, type RecordMetadata } from './producer-batch.js';
import { ProducerMetadata } from './producer-metadata.js';
import { headerList, type ProducerRecord, timestampOf } from './producer-record.js';
import { Sender } from './sender.js';

interface Pending {
  topic: string;
  partition: number | undefined;
  record: RecordInit;
  sizeBytes: number;
  deadlineMs: number;
  resolve(m: RecordMetadata): void;
  reject(e: Error): void;
}

/**
 * Kafka producer: send() serializes, partitions and appends to a per-partition
 * batch (waiting first, in send order, for metadata or buffer memory up to
 * max.block.ms); the Sender drains ready batches, one request per leader, and
 * settles each record's promise from the response, retrying in order.
 */
export class Producer<K = Buffer | null, V = Buffer | null> {
  readonly config: ResolvedProducerConfig<K, V>;
  private readonly cluster: Cluster;
  private readonly accumulator = new Accumulator();
  private readonly sender: Sender;
  private readonly topics: ProducerMetadata;
  /** Records waiting for metadata or buffer space, in send() order. */
  private readonly backlog: Pending[] = [];
  private readonly metadataWaits = new Map<string, Promise<void>>();
  private backlogTimer: NodeJS.Timeout | null = null;
  private backlogScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private fatalError: Error | null = null;

  /** Validates the whole configuration now: a bad setting throws a ConfigError here, not on first send. */
  constructor(config: ProducerConfig<K, V>) {
    this.config = resolveProducerConfig(config);
    this.cluster = new Cluster(this.config.client, { maxInFlight: this.config.maxInFlight });
    this.sender = new Sender(this.config as ResolvedProducerConfig<unknown, unknown>, this.cluster, this.accumulator, {
      onRelease: () => this.scheduleBacklog(),
      onProgress: () => this.checkIdle(),
      onFatal: (err) => this.failEverything(err),
    });
    this.topics = new ProducerMetadata(
      this.cluster,
      this.config.client.metadataMaxAgeMs,
      this.config.metadataMaxIdleMs,
      () => this.scheduleBacklog(),
    );
  }

  /** The idempotent producer's sequence state, null without idempotence (diagnostics and tests). */
  get idempotence(): IdempotenceManager | null {
    return this.sender.idempotenceManager;
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
    this.sender.flushing++;
    try {
      this.sender.wakeup();
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.sender.flushing--;
    }
  }

  /**
   * Flushes, then closes connections. Further sends are rejected. With
   * `timeoutMs` (Java's close(Duration)) it waits at most that long: records
   * not acknowledged by then fail with ILLEGAL_STATE instead of being waited for.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) return;
    if (options.timeoutMs === undefined) await this.flush();
    else {
      let timer: NodeJS.Timeout | undefined;
      const flushed = await Promise.race([
        this.flush().then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), Math.max(0, options.timeoutMs ?? 0));
        }),
      ]);
      clearTimeout(timer);
      if (!flushed) {
        const error = new ClientClosedError('producer', 'producer closed before these records were acknowledged');
        for (const pending of this.backlog.splice(0)) pending.reject(error);
        this.sender.failIncomplete(error);
        this.checkIdle();
      }
    }
    this.closed = true;
    if (this.backlogTimer !== null) clearTimeout(this.backlogTimer);
    this.sender.close();
    this.topics.close();
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
    if (record.partition !== undefined && (!Number.isInteger(record.partition) || record.partition < 0)) {
      throw new TypeError(`record.partition must be a non-negative integer, got ${record.partition}`);
    }
    const key = record.key === undefined ? null : serialize(this.config.keySerializer, 'key', record.key, record.topic);
    const value = serialize(this.config.valueSerializer, 'value', record.value, record.topic);
    const init: RecordInit = { key, value, timestamp: timestampOf(record.timestamp, Date.now()) };
    const headers = headerList(record.headers);
    if (headers !== undefined) init.headers = headers;
    const sizeBytes = estimateRecordBytes(init);
    // Java's ensureValidRecordSize: no batch could ever carry it.
    for (const [limit, name] of [
      [this.config.maxRequestSize, 'maxRequestSize'],
      [this.config.bufferMemory, 'bufferMemory'],
    ] as const) {
      if (sizeBytes > limit) {
        throw new KafkaClientError(
          'RECORD_TOO_LARGE',
          ErrorCode.MESSAGE_TOO_LARGE,
          false,
          `record of ~${sizeBytes} bytes exceeds ${name} ${limit}`,
        );
      }
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
    const nowMs = performance.now();
    this.topics.touch(p.topic, nowMs);
    const numPartitions = topic.partitions.length;
    let partition = p.partition;
    const partitioner = this.config.partitioner;
    if (partition === undefined) {
      partition = partitioner.partition({
        topic: p.topic,
        key: (p.record.key as Buffer | null) ?? null,
        numPartitions,
        availablePartitions: topic.partitions.filter((x) => x.leaderId >= 0).map((x) => x.partition),
        queuedBatches: (n) => this.accumulator.queueOf(p.topic, n).batches.length,
      });
    }
    if (!Number.isInteger(partition) || partition < 0 || partition >= numPartitions) {
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
    const [batch, startedNew] = this.accumulator.batchFor(queue, p.sizeBytes, this.config.batchSize, nowMs);
    if (startedNew && p.partition === undefined) partitioner.onNewBatch?.(p.topic, partition);
    this.accumulator.bufferedBytes += p.sizeBytes;
    batch.append(p.record, p.sizeBytes, { resolve: p.resolve, reject: p.reject });
    const full = batch.sizeBytes >= this.config.batchSize;
    if (p.partition === undefined) partitioner.onAppend?.(p.topic, partition, p.sizeBytes, full);
    if (full || this.config.lingerMs === 0 || this.sender.flushing > 0) this.sender.wakeup();
    else this.sender.schedule();
    return true;
  }

  private scheduleBacklog(): void {
    if (this.backlog.length === 0 || this.backlogScheduled) return;
    this.backlogScheduled = true;
    queueMicrotask(() => {
      this.backlogScheduled = false;
      this.processBacklog();
    });
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

  private failEverything(err: Error): void {
    this.fatalError ??= err;
    for (const p of this.backlog.splice(0)) p.reject(err);
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

/** Runs a serializer; anything it throws, or a result that is not bytes, becomes a SerializationError. */
function serialize<T>(serializer: Serializer<T>, what: 'key' | 'value', data: T, topic: string): Buffer | null {
  let bytes: unknown;
  try {
    bytes = serializer.serialize(data, topic);
  } catch (err) {
    throw new SerializationError(
      `cannot serialize the ${what} for topic "${topic}": ${(err as Error)?.message ?? err}`,
      {
        cause: err,
      },
    );
  }
  if (bytes === null || Buffer.isBuffer(bytes)) return bytes;
  if (bytes instanceof Uint8Array) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  throw new SerializationError(
    `the ${what} serializer for topic "${topic}" returned ${bytes === undefined ? 'undefined' : typeof bytes}, not bytes or null`,
  );
}
