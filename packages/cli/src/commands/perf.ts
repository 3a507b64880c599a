// `fluxo perf produce|consume`: kafka-producer-perf-test and kafka-consumer-perf-test.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerRecord } from '@fluxo/client';
import { intOpt, type ParsedArgs, usageError } from '../cli/args.js';
import type { Command, CommandGroup } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { type Context, contextOf, withAdmin } from '../cli/context.js';
import { LatencyHistogram } from './latency-histogram.js';
import { buildReport, printReport, ProgressLine, progressText } from './perf-report.js';
import { PRODUCER_OPTIONS, producerConfig } from './producer-options.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** Unacknowledged records before the sender waits: bounds memory whatever the target rate. */
const IN_FLIGHT_RECORDS_MAX = 50_000;
const RECORD_SIZE_MAX = 16 * 1024 * 1024;

function limitsOf(args: ParsedArgs, countFlag: string): { records: number; durationMs: number } {
  const records = intOpt(args, countFlag, 1);
  const durationMs = intOpt(args, 'duration-ms', 1);
  if (records === undefined && durationMs === undefined)
    throw usageError(args, `give --${countFlag} and/or --duration-ms`);
  return { records: records ?? Number.POSITIVE_INFINITY, durationMs: durationMs ?? Number.POSITIVE_INFINITY };
}

/** Partitions of the topic; also proves the topic exists before the clock starts. */
async function partitionsOf(ctx: Context, topic: string): Promise<number[]> {
  return withAdmin(ctx, async (admin) => {
    const [d] = await admin.describeTopics([topic]);
    return d!.partitions.map((p) => p.partition);
  });
}

const produce: Command = {
  spec: {
    name: 'perf produce',
    args: '<topic>',
    summary: 'Measure producer throughput and latency (send to acknowledgement) with generated records.',
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
    await partitionsOf(ctx, topic);

    const { Producer } = await loadClient();
    const producer = new Producer({ ...config, maxRequestSize: Math.max(1024 * 1024, recordSize + 1024) });
    const payload = randomBytes(recordSize);
    const latency = new LatencyHistogram();
    let sent = 0;
    let acked = 0;
    let failure: unknown = null;
    let wakeSender: (() => void) | null = null;
    const startedMs = performance.now();
    const progress = new ProgressLine(() => progressText(acked, acked * recordSize, startedMs, latency));
    try {
      while (sent < limits.records && failure === null) {
        const now = performance.now();
        if (now - startedMs >= limits.durationMs) break;
        if (throughput > 0) {
          // Kafka's throttler: sleep when ahead of the target schedule.
          const dueMs = startedMs + (sent / throughput) * 1000;
          if (dueMs - now >= 1) await sleep(dueMs - now);
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
      await producer.flush();
    } finally {
      progress.stop();
      await producer.close().catch(() => {});
    }
    if (failure !== null) throw failure;
    const report = buildReport(acked, acked * recordSize, performance.now() - startedMs, latency);
    printReport(report, ctx.json, {
      topic,
      recordSize,
      throughput,
      acks: config.acks,
      compression: config.compressionType,
    });
    return 0;
  },
};

const consume: Command = {
  spec: {
    name: 'perf consume',
    args: '<topic>',
    summary:
      'Measure consumer throughput from the earliest offset; latency is end to end (consume time minus the record timestamp).',
    options: {
      ...TOPIC_OPTION,
      messages: { type: 'string', value: 'N', help: 'records to consume' },
      'duration-ms': { type: 'string', value: 'MS', help: 'or consume for this long' },
      'idle-timeout-ms': {
        type: 'string',
        value: 'MS',
        help: 'stop when no record arrives for this long (default 5000)',
      },
      'fetch-max-bytes': { type: 'string', value: 'BYTES', help: 'fetch.max.bytes (default 52428800)' },
      'max-partition-fetch-bytes': {
        type: 'string',
        value: 'BYTES',
        help: 'max.partition.fetch.bytes (default 1048576)',
      },
    },
    positionals: { min: 0, max: 1 },
    examples: ['fluxo perf consume bench --messages 100000'],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const limits = limitsOf(args, 'messages');
    const idleTimeoutMs = intOpt(args, 'idle-timeout-ms', 1) ?? 5000;
    const fetchMaxBytes = intOpt(args, 'fetch-max-bytes', 1024, 2 ** 31 - 1);
    const partitionFetchBytes = intOpt(args, 'max-partition-fetch-bytes', 1024, 2 ** 31 - 1);
    const ctx = contextOf(args);
    const partitions = await partitionsOf(ctx, topic);
    const { Consumer } = await loadClient();
    const consumer = new Consumer({
      ...ctx.clientConfig(),
      autoOffsetReset: 'earliest',
      maxPollRecords: 5000,
      ...(fetchMaxBytes === undefined ? {} : { fetchMaxBytes }),
      ...(partitionFetchBytes === undefined ? {} : { maxPartitionFetchBytes: partitionFetchBytes }),
    });
    consumer.assign(partitions.map((partition) => ({ topic, partition })));
    const latency = new LatencyHistogram();
    let records = 0;
    let bytes = 0;
    const startedMs = performance.now();
    let lastRecordAtMs = startedMs;
    const progress = new ProgressLine(() => progressText(records, bytes, startedMs, latency));
    try {
      while (records < limits.records) {
        const now = performance.now();
        if (now - startedMs >= limits.durationMs || now - lastRecordAtMs >= idleTimeoutMs) break;
        const batch = (await consumer.poll(100)) as ConsumerRecord<Buffer, Buffer>[];
        const wallMs = Date.now();
        for (const r of batch) {
          if (records >= limits.records) break;
          records++;
          bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
          latency.recordMs(Math.max(0, wallMs - Number(r.timestamp)));
        }
        if (batch.length > 0) lastRecordAtMs = performance.now();
      }
    } finally {
      progress.stop();
      await consumer.close();
    }
    // Time spent waiting for records that never came is not consumer throughput.
    const durationMs = (records >= limits.records ? performance.now() : lastRecordAtMs) - startedMs;
    printReport(buildReport(records, bytes, durationMs, latency), ctx.json, { topic });
    return 0;
  },
};

export const perfGroup: CommandGroup = {
  name: 'perf',
  summary: 'Throughput and latency tests (like kafka-producer-perf-test and kafka-consumer-perf-test).',
  commands: { produce, consume },
};
