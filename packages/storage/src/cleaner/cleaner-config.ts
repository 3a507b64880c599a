/** The broker's log.cleaner.* settings the cleaner acts on (Kafka's names and defaults). */
export interface CleanerConfig {
  /** log.cleaner.enable (true). */
  readonly enable: boolean;
  /** log.cleaner.dedupe.buffer.size (134217728): memory for the key → offset map, shared by the threads. */
  readonly dedupeBufferSize: number;
  /** log.cleaner.threads (1): Fluxo cleans one log at a time; the map gets dedupeBufferSize / threads, as in Kafka. */
  readonly threads: number;
  /** log.cleaner.io.buffer.load.factor (0.9): how full the map may get. */
  readonly ioBufferLoadFactor: number;
  /** log.cleaner.io.buffer.size (524288): bytes read per step. */
  readonly ioBufferSize: number;
  /** log.cleaner.backoff.ms (15000): sleep when no log needs cleaning. */
  readonly backoffMs: number;
  /** Fluxo's own: longest a cleaning step may hold the event loop before yielding (ms). */
  readonly tickMs: number;
}

export const DEFAULT_CLEANER_CONFIG: CleanerConfig = {
  enable: true,
  dedupeBufferSize: 134_217_728,
  threads: 1,
  ioBufferLoadFactor: 0.9,
  ioBufferSize: 524_288,
  backoffMs: 15_000,
  tickMs: 10,
};
