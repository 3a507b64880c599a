// What `fluxo perf` prints: a live progress line (stderr, TTY only) and the final report.
import { formatTable, printJson } from '../cli/output.js';
import type { LatencyHistogram } from './latency-histogram.js';

const MIB = 1024 * 1024;

export interface PerfReport {
  records: number;
  bytes: number;
  durationMs: number;
  recordsPerSec: number;
  mbPerSec: number;
  latencyMs: { avg: number; p50: number; p95: number; p99: number; p999: number; max: number };
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

export function buildReport(records: number, bytes: number, durationMs: number, latency: LatencyHistogram): PerfReport {
  const seconds = Math.max(durationMs, 1) / 1000;
  return {
    records,
    bytes,
    durationMs: round(durationMs, 1),
    recordsPerSec: round(records / seconds, 1),
    mbPerSec: round(bytes / MIB / seconds, 2),
    latencyMs: {
      avg: round(latency.meanMs(), 2),
      p50: round(latency.percentileMs(0.5), 2),
      p95: round(latency.percentileMs(0.95), 2),
      p99: round(latency.percentileMs(0.99), 2),
      p999: round(latency.percentileMs(0.999), 2),
      max: round(latency.maxMs(), 2),
    },
  };
}

export function printReport(report: PerfReport, json: boolean, extra: Record<string, unknown>): void {
  if (json) {
    printJson({ ...extra, ...report });
    return;
  }
  const l = report.latencyMs;
  process.stdout.write(
    `${formatTable(
      ['RECORDS', 'SECONDS', 'RECORDS/S', 'MB/S', 'AVG-MS', 'P50-MS', 'P95-MS', 'P99-MS', 'P99.9-MS', 'MAX-MS'],
      [
        [
          report.records,
          round(report.durationMs / 1000, 2),
          report.recordsPerSec,
          report.mbPerSec,
          l.avg,
          l.p50,
          l.p95,
          l.p99,
          l.p999,
          l.max,
        ],
      ],
    )}\n`,
  );
}

/** Rewrites one status line on stderr every interval, only when stderr is a terminal. */
export class ProgressLine {
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(
    private readonly render: () => string,
    intervalMs = 1000,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (!stream.isTTY) return;
    this.timer = setInterval(() => {
      this.stream.write(`\r\u001b[2K${this.render()}`);
      this.shown = true;
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.shown) this.stream.write('\r\u001b[2K');
  }
}

export function progressText(records: number, bytes: number, startedMs: number, latency: LatencyHistogram): string {
  const seconds = Math.max(performance.now() - startedMs, 1) / 1000;
  return `${records} records, ${(records / seconds).toFixed(0)} records/s, ${(bytes / MIB / seconds).toFixed(2)} MB/s, p99 ${latency.percentileMs(0.99).toFixed(1)} ms, max ${latency.maxMs().toFixed(1)} ms`;
}
