import type { Cluster } from '../cluster/cluster.js';

/**
 * The producer's periodic metadata refresh (Java's ProducerMetadata): every
 * topic sent to within metadata.max.idle.ms has its metadata refreshed once it
 * is metadata.max.age.ms old, so new partitions and moved leaders are picked
 * up even when nothing fails. Topics idle longer are dropped from the set.
 */
export class ProducerMetadata {
  private readonly lastUsedMs = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly maxAgeMs: number,
    private readonly maxIdleMs: number,
    /** Called after each refresh (new partitions may take waiting records). */
    private readonly onRefreshed: () => void,
  ) {}

  /** A record was sent to `topic`. */
  touch(topic: string, nowMs: number): void {
    const known = this.lastUsedMs.has(topic);
    this.lastUsedMs.set(topic, nowMs);
    if (!known && this.timer === null) this.schedule(nowMs);
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(nowMs: number, minDelayMs = 1): void {
    if (this.closed || this.lastUsedMs.size === 0) return;
    let dueMs = Number.POSITIVE_INFINITY;
    for (const topic of this.lastUsedMs.keys()) dueMs = Math.min(dueMs, this.dueAt(topic));
    const delayMs = Math.max(minDelayMs, Math.min(this.maxAgeMs, Math.ceil(dueMs - nowMs)));
    this.timer = setTimeout(() => this.refresh(), delayMs);
    this.timer.unref(); // housekeeping: it must not keep the process alive on its own
  }

  private dueAt(topic: string): number {
    return this.cluster.metadata.topicUpdatedAt(topic) + this.maxAgeMs;
  }

  private refresh(): void {
    this.timer = null;
    const nowMs = performance.now();
    const due: string[] = [];
    for (const [topic, usedMs] of this.lastUsedMs) {
      if (nowMs - usedMs >= this.maxIdleMs) this.lastUsedMs.delete(topic);
      else if (this.dueAt(topic) <= nowMs) due.push(topic);
    }
    if (due.length === 0) {
      this.schedule(nowMs);
      return;
    }
    this.cluster.refreshTopicsShared(due).then(
      () => {
        this.onRefreshed();
        this.schedule(performance.now());
      },
      // Broker unreachable: try again after retry.backoff.ms (a send's own refresh may get there first).
      () => this.schedule(performance.now(), Math.max(1, this.cluster.config.retryBackoffMs)),
    );
  }
}
