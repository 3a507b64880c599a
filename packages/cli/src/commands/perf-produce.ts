// `fluxo perf produce`: kafka-producer-perf-test. Ctrl-C ends the run early and still
// reports what was acknowledged (exit 130), as Kafka's tool prints its final stats.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { intOpt, usageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { contextOf } from '../cli/context.js';
import { EXIT_INTERRUPTED, onInterrupt } from '../cli/interrupt.js';
import { LatencyHistogram } from './latency-histogram.js';
import { limitsOf, perfPartitionsOf } from './perf.js';
import { buildReport, printReport, ProgressLine, progressText } from './perf-report.js';
import { PRODUCER_OPTIONS, producerConfig, producerSettings } from './producer-options.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** Unacknowledged records before the sender waits: bounds memory whatever the target rate. */
const IN_FLIGHT_RECORDS_MAX = 50_000;
const RECORD_SIZE_MAX = 16 * 1024 * 1024;

export const perfProduceCommand: Command = {
  spec: {
    name: 'perf produce',
    args: '<topic>',
    summary:
      'Measure producer throughput and latency (send to acknowledgement) with generated records; Ctrl-C stops early and reports (exit 130).',
    options: {
      ...TOPIC_OPTION,
      'num-records': { type: 'string', value: 'N', help: 'records to send' },
      'duration-ms': { type: 'string', value: 'MS', help: 'or send for this long' },
      'record-size': { type: 'string', value: 'BYTES', help: 'value size of each record (default 100)' },
      throughput: { type: 'string', value: 'N', help: 'target records/s, -1 for as fast as possible (default -1)' },
      ...PRODUCER_OPTIONS,
    },
    positionals: { min: 0, max: 1 },
    examples: [
      'fluxo perf produce bench --num-records 100000 --record-size 100 --throughput -1 --acks 1 --linger-ms 5',
    ],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const limits = limitsOf(args, 'num-records');
    const recordSize = intOpt(args, 'record-size', 0, RECORD_SIZE_MAX) ?? 100;
    const throughput = intOpt(args, 'throughput', -1, 100_000_000) ?? -1;
    if (throughput === 0) throw usageError(args, '--throughput must be positive or -1');
    const ctx = contextOf(args);
    const config = producerConfig(ctx, args);
    await perfPartitionsOf(ctx, topic);

    const { Producer } = await loadClient();
    const producer = new Producer({ ...config, maxRequestSize: Math.max(1024 * 1024, recordSize + 1024) });
    const payload = randomBytes(recordSize);
    const latency = new LatencyHistogram();
    let sent = 0;
    let acked = 0;
    let failure: unknown = null;
    let wakeSender: (() => void) | null = null;
    let interrupted = false;
    const pause = new AbortController();
    const offInterrupt = onInterrupt(() => {
      interrupted = true;
      pause.abort();
      wakeSender?.();
    });
    const startedMs = performance.now();
    const progress = new ProgressLine(() => progressText(acked, acked * recordSize, startedMs, latency));
    try {
      while (sent < limits.records && failure === null && !interrupted) {
        const now = performance.now();
        if (now - startedMs >= limits.durationMs) break;
        if (throughput > 0) {
          // Kafka's throttler: sleep when ahead of the target schedule.
          const dueMs = startedMs + (sent / throughput) * 1000;
          if (dueMs - now >= 1) await sleep(dueMs - now, undefined, { signal: pause.signal }).catch(() => {});
          if (interrupted) break;
        }
        if (sent - acked >= IN_FLIGHT_RECORDS_MAX) {
          await new Promise<void>((resolve) => {
            wakeSender = resolve;
          });
          continue;
        }
        const sentAtMs = performance.now();
        sent++;
        producer.send({ topic, value: payload }).then(
          () => {
            latency.recordMs(performance.now() - sentAtMs);
            acked++;
            if (wakeSender !== null && sent - acked < IN_FLIGHT_RECORDS_MAX / 2) {
              const wake = wakeSender;
              wakeSender = null;
              wake();
            }
          },
          (err: unknown) => {
            failure ??= err;
            wakeSender?.();
          },
        );
        // Let acknowledgements run now and then when nothing else yields.
        if (sent % 1000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      // Interrupted: the records in flight get --timeout-ms to be acknowledged, no more.
      const flushed = producer.flush();
      await (interrupted ? Promise.race([flushed, sleep(ctx.timeoutMs, undefined, { ref: false })]) : flushed);
    } finally {
      offInterrupt();
      progress.stop();
      // Interrupted or failed: what is still unacknowledged is not waited for (it fails, and is not counted).
      await producer.close(interrupted || failure !== null ? { timeoutMs: 0 } : {}).catch(() => {});
    }
    if (failure !== null && !interrupted) throw failure;
    const report = buildReport(acked, acked * recordSize, performance.now() - startedMs, latency);
    printReport(report, ctx.json, {
      topic,
      recordSize,
      throughput,
      ...producerSettings(config),
      interrupted,
    });
    return interrupted ? EXIT_INTERRUPTED : 0;
  },
};
