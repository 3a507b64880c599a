import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@fluxo/core';
import type { CleanStats } from '../cleaner/clean-pass.js';
import type { CleanerConfig } from '../cleaner/cleaner-config.js';
import { LogCleaner, type WarnFields } from '../cleaner/log-cleaner.js';
import type { LogConfig } from '../config/log-config.js';
import { parsePartitionDirName, partitionDirName } from '../segment/file-names.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file.js';
import { PartitionLog } from './partition-log.js';
import { readPartitionMetadata } from './partition-metadata-file.js';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface LogManagerOptions {
  readonly logDirs: string[];
  readonly clock: Clock;
  /** Broker-wide topic defaults (logConfigFromBrokerProperties). */
  readonly defaults: LogConfig;
  /** A topic's effective config when it has overrides; used when reopening logs at start-up. */
  readonly configFor?: (topic: string) => LogConfig | undefined;
  /** log.retention.check.interval.ms (Kafka: 300000). */
  readonly retentionCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms (Kafka: 60000). */
  readonly checkpointIntervalMs?: number;
  /** How often flush.ms and rolled segments are checked (Kafka's log.flush.scheduler.interval.ms; here 1000). */
  readonly flushCheckIntervalMs?: number;
  /** producer.id.expiration.ms (Kafka: 86400000). */
  readonly producerIdExpirationMs?: number;
  /** producer.id.expiration.check.interval.ms (Kafka: 600000). */
  readonly producerIdExpirationCheckIntervalMs?: number;
  /** log.cleaner.* settings (Kafka's defaults otherwise). */
  readonly cleaner?: Partial<CleanerConfig>;
  /** Where background problems are reported (default: process warnings). */
  readonly warn?: (message: string, fields: WarnFields) => void;
}

const key = (topic: string, partition: number) => `${topic}-${partition}`;

/**
 * All partition logs of this broker across its log dirs, plus the dir-level
 * checkpoint files and the background retention/flush/checkpoint tasks.
 */
export class LogManager {
  private readonly logs = new Map<string, PartitionLog>();
  private readonly dirOf = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  private deletions = 0;
  /** Compaction of cleanup.policy=compact logs (started with the background tasks). */
  readonly cleaner: LogCleaner;

  private constructor(private readonly options: LogManagerOptions) {
    this.cleaner = new LogCleaner({
      clock: options.clock,
      config: options.cleaner,
      logs: () => this.logs.values(),
      onCleaned: (log, stats) => this.afterCleaning(log, stats),
      warn: options.warn,
    });
  }

  private afterCleaning(log: PartitionLog, stats: CleanStats): void {
    const logDir = this.dirOf.get(key(log.topic, log.partition));
    if (logDir !== undefined && stats.segmentsCleaned > 0 && !this.closed) this.writeCleanerOffsets(logDir);
  }

  get defaults(): LogConfig {
    return this.options.defaults;
  }

  /** Opens every partition directory found, recovering segments past the recovery checkpoint. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const manager = new LogManager(options);
    for (const logDir of options.logDirs) manager.openDir(logDir);
    return manager;
  }

  private openDir(logDir: string): void {
    mkdirSync(logDir, { recursive: true });
    const recoveryPoints = readCheckpoint(join(logDir, RECOVERY_POINT_CHECKPOINT));
    const logStartOffsets = readCheckpoint(join(logDir, LOG_START_OFFSET_CHECKPOINT));
    const cleanerOffsets = readCheckpoint(join(logDir, CLEANER_OFFSET_CHECKPOINT));
    for (const name of readdirSync(logDir)) {
      const dir = join(logDir, name);
      if (!statSync(dir).isDirectory()) continue;
      if (name.endsWith('-delete')) {
        void rm(dir, { recursive: true, force: true });
        continue;
      }
      const parsed = parsePartitionDirName(name);
      const topicId = parsed && readPartitionMetadata(dir);
      if (parsed === undefined || topicId === undefined) continue;
      const log = PartitionLog.open({
        dir,
        topic: parsed.topic,
        partition: parsed.partition,
        topicId,
        config: this.options.configFor?.(parsed.topic) ?? this.options.defaults,
        clock: this.options.clock,
        recoveryPoint: recoveryPoints.get(name),
        logStartOffset: logStartOffsets.get(name),
        producerIdExpirationMs: this.options.producerIdExpirationMs,
        cleanerCheckpoint: cleanerOffsets.get(name),
      });
      this.register(log, logDir);
      if (log.recoveredSwaps.length > 0)
        this.warnOf('finished an interrupted log cleaning swap', {
          partition: name,
          segments: log.recoveredSwaps.length,
        });
    }
  }

  private warnOf(message: string, fields: WarnFields): void {
    if (this.options.warn !== undefined) this.options.warn(message, fields);
  }

  private register(log: PartitionLog, logDir: string): void {
    const k = key(log.topic, log.partition);
    this.logs.set(k, log);
    this.dirOf.set(k, logDir);
    log.onLogStartOffsetMoved = () => this.writeLogStartOffsets(logDir);
  }

  get(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(key(topic, partition));
  }

  /**
   * The partition's log, created in the log dir holding the fewest partitions
   * if new; an existing log takes `config` (logs reopened at start-up have the
   * broker defaults until then).
   */
  getOrCreate(topic: string, partition: number, topicId: string, config: LogConfig): PartitionLog {
    const existing = this.get(topic, partition);
    if (existing !== undefined) {
      if (existing.config !== config) existing.updateConfig(config);
      return existing;
    }
    const logDir = this.leastLoadedDir();
    const log = PartitionLog.open({
      dir: join(logDir, partitionDirName(topic, partition)),
      topic,
      partition,
      topicId,
      config,
      clock: this.options.clock,
      producerIdExpirationMs: this.options.producerIdExpirationMs,
    });
    this.register(log, logDir);
    return log;
  }

  private leastLoadedDir(): string {
    const counts = new Map(this.options.logDirs.map((d) => [d, 0]));
    for (const d of this.dirOf.values()) counts.set(d, (counts.get(d) ?? 0) + 1);
    let best = this.options.logDirs[0];
    for (const [d, n] of counts) if (n < counts.get(best)!) best = d;
    return best;
  }

  /** Removes a partition: the directory is renamed `<name>.<id>-delete` at once and removed in the background. */
  async deletePartition(topic: string, partition: number): Promise<void> {
    const k = key(topic, partition);
    const log = this.logs.get(k);
    const logDir = this.dirOf.get(k);
    if (log === undefined || logDir === undefined) return;
    this.cleaner.abortFor(log);
    this.logs.delete(k);
    this.dirOf.delete(k);
    log.abandon();
    const doomed = `${log.dir}.${this.options.clock.nowMs().toString(16)}${(this.deletions++).toString(16)}-delete`;
    renameSync(log.dir, doomed);
    this.writeCheckpoints();
    await rm(doomed, { recursive: true, force: true });
  }

  all(): PartitionLog[] {
    return [...this.logs.values()];
  }

  /** New effective config for every partition of a topic (AlterConfigs). */
  updateConfig(topic: string, config: LogConfig): void {
    for (const log of this.logs.values()) if (log.topic === topic) log.updateConfig(config);
  }

  /** Retention pass over every log; returns the segments deleted. */
  checkRetention(): number {
    let deleted = 0;
    const now = this.options.clock.nowMs();
    for (const log of this.logs.values()) deleted += log.deleteRetentionBreachedSegments(now);
    return deleted;
  }

  /** producer.id.expiration.ms pass over every log; returns the producers forgotten. */
  removeExpiredProducers(): number {
    let removed = 0;
    const now = this.options.clock.nowMs();
    for (const log of this.logs.values()) removed += log.removeExpiredProducers(now);
    return removed;
  }

  /** flush.ms and rolled-segment fsyncs. */
  async flushDue(): Promise<void> {
    for (const log of [...this.logs.values()]) {
      log.maybeFlushByTime();
      await log.flushRolledSegments();
    }
  }

  /** Writes the checkpoint files of every log dir. */
  writeCheckpoints(): void {
    for (const logDir of this.options.logDirs) {
      this.writeRecoveryPoints(logDir);
      this.writeLogStartOffsets(logDir);
      this.writeCleanerOffsets(logDir);
    }
  }

  /** Kafka's cleaner-offset-checkpoint: per compacted partition, the offset it was cleaned up to. */
  private writeCleanerOffsets(logDir: string): void {
    const entries = this.logsIn(logDir)
      .filter((l) => l.isCompacted && l.cleanerCheckpoint > 0n)
      .map((l) => ({ topic: l.topic, partition: l.partition, offset: l.cleanerCheckpoint }));
    writeCheckpoint(join(logDir, CLEANER_OFFSET_CHECKPOINT), entries);
  }

  private logsIn(logDir: string): PartitionLog[] {
    return [...this.logs.entries()].filter(([k]) => this.dirOf.get(k) === logDir).map(([, log]) => log);
  }

  private writeRecoveryPoints(logDir: string): void {
    const entries = this.logsIn(logDir).map((l) => ({
      topic: l.topic,
      partition: l.partition,
      offset: l.recoveryPoint,
    }));
    writeCheckpoint(join(logDir, RECOVERY_POINT_CHECKPOINT), entries);
  }

  private writeLogStartOffsets(logDir: string): void {
    const entries = this.logsIn(logDir).map((l) => ({
      topic: l.topic,
      partition: l.partition,
      offset: l.logStartOffset,
    }));
    writeCheckpoint(join(logDir, LOG_START_OFFSET_CHECKPOINT), entries);
  }

  /** Retention every log.retention.check.interval.ms, flushes every second, checkpoints every minute (timers unref'd). */
  startBackgroundTasks(): void {
    const every = (ms: number, task: () => void | Promise<void>) => {
      let running = false;
      const timer = setInterval(() => {
        if (running || this.closed) return;
        running = true;
        Promise.resolve()
          .then(task)
          .catch((e: unknown) => {
            process.emitWarning(`log background task failed: ${String(e)}`);
          })
          .finally(() => {
            running = false;
          });
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.options.retentionCheckIntervalMs ?? 300_000, () => void this.checkRetention());
    every(this.options.flushCheckIntervalMs ?? 1_000, () => this.flushDue());
    every(this.options.checkpointIntervalMs ?? 60_000, () => this.writeCheckpoints());
    every(this.options.producerIdExpirationCheckIntervalMs ?? 600_000, () => void this.removeExpiredProducers());
    this.cleaner.start();
  }

  /** Stops the tasks, flushes and closes every log, then writes the checkpoints (recovery point = log end). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.cleaner.stop();
    for (const log of this.logs.values()) log.close();
    this.writeCheckpoints();
  }
}
