import type { Clock } from '@fluxo/core';
import type { PartitionLog } from '../log/partition-log.js';
import { CleaningAbortedError, CleanPass, type CleanStats, UncleanableLogError } from './clean-pass.js';
import { type CleanableRange, cleanableRange, worthCleaning } from './cleanable-range.js';
import { type CleanerConfig, DEFAULT_CLEANER_CONFIG } from './cleaner-config.js';

/** Fields of a background warning (plain values, as the broker's logger takes them). */
export type WarnFields = Readonly<Record<string, string | number | bigint | boolean | null>>;

export interface LogCleanerOptions {
  readonly clock: Clock;
  readonly config?: Partial<CleanerConfig>;
  /** The logs to consider (the LogManager's). */
  readonly logs: () => Iterable<PartitionLog>;
  /** After a pass moved a log's checkpoint (the manager persists cleaner-offset-checkpoint). */
  readonly onCleaned?: (log: PartitionLog, stats: CleanStats) => void;
  /** A log marked uncleanable, or a cleaning error. */
  readonly warn?: (message: string, fields: WarnFields) => void;
}

/** Measured over the cleaner's life: for bench/ and tests. */
export interface CleanerMetrics {
  passes: number;
  bytesRead: number;
  bytesWritten: number;
  /** Longest time one tick held the event loop (ms). */
  longestTickMs: number;
  ticks: number;
}

/**
 * Kafka's LogCleaner with one cleaner thread, run on the event loop: every
 * log.cleaner.backoff.ms when idle it picks the filthiest compacted log
 * (highest dirty ratio above min.cleanable.dirty.ratio, or overdue by
 * max.compaction.lag.ms, or holding tombstones whose delete horizon has
 * passed) and cleans it in ticks of at most tickMs, yielding between ticks
 * (setImmediate) and fsyncing cleaned segments off the loop. A corrupt batch
 * marks the log uncleanable (logged, skipped until restart) instead of
 * failing the broker.
 */
export class LogCleaner {
  readonly config: CleanerConfig;
  readonly metrics: CleanerMetrics = { passes: 0, bytesRead: 0, bytesWritten: 0, longestTickMs: 0, ticks: 0 };
  private readonly uncleanable = new Set<PartitionLog>();
  private current: CleanPass | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: LogCleanerOptions) {
    this.config = { ...DEFAULT_CLEANER_CONFIG, ...options.config };
  }

  /** Partitions skipped after an error, as `topic-partition`. */
  uncleanablePartitions(): string[] {
    return [...this.uncleanable].filter((l) => !l.isClosed).map((l) => `${l.topic}-${l.partition}`);
  }

  /** The filthiest log worth cleaning now (Kafka's grabFilthiestCompactedLog), or undefined. */
  pickFilthiest(nowMs = this.options.clock.nowMs()): CleanableRange | undefined {
    let best: CleanableRange | undefined;
    for (const log of this.options.logs()) {
      if (log.isClosed || !log.isCompacted || this.uncleanable.has(log)) continue;
      const range = cleanableRange(log, nowMs);
      const horizonDue = log.tombstoneHorizonMs >= 0 && nowMs >= log.tombstoneHorizonMs;
      if (!worthCleaning(range) && !horizonDue) continue;
      if (best === undefined || range.ratio > best.ratio) best = range;
    }
    return best;
  }

  /**
   * Cleans synchronously until `log` (or, without one, every log) needs no
   * more (tests, tools; the broker uses start()). Returns the passes' stats.
   */
  cleanNow(log?: PartitionLog, stopAfterSwapStep?: number): CleanStats[] {
    const done: CleanStats[] = [];
    for (;;) {
      const nowMs = this.options.clock.nowMs();
      const range =
        log === undefined
          ? this.pickFilthiest(nowMs)
          : log.isCompacted && !this.uncleanable.has(log) && !log.isClosed
            ? cleanableRange(log, nowMs)
            : undefined;
      if (range === undefined) return done;
      const horizonDue = range.log.tombstoneHorizonMs >= 0 && nowMs >= range.log.tombstoneHorizonMs;
      if (log !== undefined && !worthCleaning(range) && !horizonDue) return done;
      const checkpoint = range.log.cleanerCheckpoint;
      const pass = this.newPass(range, nowMs, stopAfterSwapStep);
      const stats = this.guard(pass, () => {
        for (;;) {
          const r = pass.step();
          if (r === 'flush') pass.flushSync();
          else if (r === 'done') return;
        }
      });
      if (stats === undefined || stopAfterSwapStep !== undefined) {
        if (stats !== undefined) done.push(stats);
        return done;
      }
      done.push(stats);
      // A pass that moved nothing (only possible with odd gaps) must not be repeated forever.
      if (range.log.cleanerCheckpoint <= checkpoint && !horizonDue) return done;
    }
  }

  /** Starts the background loop (no-op when log.cleaner.enable is false). */
  start(): void {
    if (!this.config.enable || this.loop !== undefined) return;
    this.loop = this.run();
  }

  /** Stops the loop; a pass in progress is abandoned (its `.cleaned` files removed). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sleepTimer !== undefined) clearTimeout(this.sleepTimer);
    this.wake?.();
    this.current?.abort();
    await this.loop;
  }

  /** Called before a partition is deleted or truncated away: its pass, if any, is dropped now. */
  abortFor(log: PartitionLog): void {
    if (this.current?.log === log) this.current.abort();
    this.uncleanable.delete(log);
  }

  private newPass(range: CleanableRange, nowMs: number, stopAfterSwapStep?: number): CleanPass {
    const pass = new CleanPass(range.log, range, nowMs, {
      mapMemoryBytes: Math.floor(this.config.dedupeBufferSize / Math.max(1, this.config.threads)),
      loadFactor: this.config.ioBufferLoadFactor,
      ioBufferSize: this.config.ioBufferSize,
      stopAfterSwapStep,
    });
    this.current = pass;
    return pass;
  }

  /** Runs `work` on the pass; returns its stats, or undefined when aborted or failed (then uncleanable). */
  private guard(pass: CleanPass, work: () => void): CleanStats | undefined {
    try {
      work();
      return this.finished(pass);
    } catch (err) {
      this.failed(pass, err);
      return undefined;
    } finally {
      if (this.current === pass) this.current = undefined;
    }
  }

  private finished(pass: CleanPass): CleanStats {
    const { log, stats } = pass;
    if (!pass.aborted) {
      if (stats.endOffset > log.cleanerCheckpoint) log.cleanerCheckpoint = stats.endOffset;
      log.tombstoneHorizonMs = pass.tombstoneHorizonMs;
    }
    this.metrics.passes++;
    this.metrics.bytesRead += stats.bytesRead;
    this.metrics.bytesWritten += stats.bytesWritten;
    this.options.onCleaned?.(log, stats);
    return stats;
  }

  private failed(pass: CleanPass, err: unknown): void {
    const abandoned = pass.aborted; // stopped or aborted from outside: whatever failed after that is moot
    pass.abort();
    if (abandoned || err instanceof CleaningAbortedError) return;
    // Anything else (corrupt data, I/O errors) marks the partition uncleanable, as Kafka does.
    this.uncleanable.add(pass.log);
    const reason = err instanceof UncleanableLogError ? err.message : String(err);
    (this.options.warn ?? defaultWarn)('log cleaning failed; partition marked uncleanable', {
      partition: `${pass.log.topic}-${pass.log.partition}`,
      error: reason,
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const range = this.pickFilthiest();
      if (range === undefined) {
        await this.sleep(this.config.backoffMs);
        continue;
      }
      const checkpoint = range.log.cleanerCheckpoint;
      const completed = await this.runPass(range);
      // Failed, aborted, or no progress (a dirty section that yields nothing): wait before trying again.
      if (!completed || range.log.cleanerCheckpoint <= checkpoint) await this.sleep(this.config.backoffMs);
    }
  }

  /** One pass in ticks; false when it did not complete (aborted or failed). */
  private async runPass(range: CleanableRange): Promise<boolean> {
    const pass = this.newPass(range, this.options.clock.nowMs());
    try {
      for (;;) {
        if (this.stopped) throw new CleaningAbortedError('cleaner stopped');
        const started = performance.now();
        let result = pass.step();
        while (result === 'more' && performance.now() - started < this.config.tickMs) result = pass.step();
        const tookMs = performance.now() - started;
        this.metrics.ticks++;
        if (tookMs > this.metrics.longestTickMs) this.metrics.longestTickMs = tookMs;
        if (result === 'done') break;
        if (result === 'flush') await pass.flush();
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.finished(pass);
      return true;
    } catch (err) {
      this.failed(pass, err);
      return false;
    } finally {
      if (this.current === pass) this.current = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
      this.sleepTimer.unref();
    }).finally(() => {
      this.wake = undefined;
      this.sleepTimer = undefined;
    });
  }
}

function defaultWarn(message: string, fields: WarnFields): void {
  process.emitWarning(`${message} ${JSON.stringify(fields, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
}
