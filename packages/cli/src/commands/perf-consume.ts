// `fluxo perf consume`: kafka-consumer-perf-test. From the earliest offset, assigning the
// partitions itself or (--group) as a group member; Ctrl-C stops early and reports (exit 130).
import type { Consumer, ConsumerRecord } from '@fluxo/client';
import { intOpt, stringOpt } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { contextOf } from '../cli/context.js';
import { CommandError } from '../cli/exit-codes.js';
import { EXIT_INTERRUPTED, onInterrupt } from '../cli/interrupt.js';
import { LatencyHistogram } from './latency-histogram.js';
import { limitsOf, perfPartitionsOf } from './perf.js';
import { buildReport, printReport, ProgressLine, progressText } from './perf-report.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** The client's defaults, stated in the report when no flag changed them (Kafka's own). */
const FETCH_MAX_BYTES_DEFAULT = 52_428_800;
const MAX_PARTITION_FETCH_BYTES_DEFAULT = 1_048_576;
const IDLE_TIMEOUT_MS_DEFAULT = 5000;
/** A group member waits for its first assignment at most this long (or --timeout-ms when longer). */
const JOIN_WAIT_MS_MIN = 30_000;

export const perfConsumeCommand: Command = {
  spec: {
    name: 'perf consume',
    args: '<topic>',
    summary:
      'Measure consumer throughput from the earliest offset; latency is end to end (consume time minus the record timestamp). Ctrl-C stops early and reports (exit 130).',
    options: {
      ...TOPIC_OPTION,
      messages: { type: 'string', value: 'N', help: 'records to consume' },
      'duration-ms': { type: 'string', value: 'MS', help: 'or consume for this long' },
      'idle-timeout-ms': {
        type: 'string',
        value: 'MS',
        help: `stop when no record arrives for this long (default ${IDLE_TIMEOUT_MS_DEFAULT})`,
      },
      group: {
        type: 'string',
        value: 'GROUP',
        help: 'consume as a member of this group (offsets committed); the clock starts at the assignment',
      },
      'fetch-max-bytes': {
        type: 'string',
        value: 'BYTES',
        help: `fetch.max.bytes (default ${FETCH_MAX_BYTES_DEFAULT})`,
      },
      'max-partition-fetch-bytes': {
        type: 'string',
        value: 'BYTES',
        help: `max.partition.fetch.bytes (default ${MAX_PARTITION_FETCH_BYTES_DEFAULT})`,
      },
    },
    positionals: { min: 0, max: 1 },
    examples: [
      'fluxo perf consume bench --messages 100000',
      'fluxo perf consume bench --group perf --duration-ms 10000',
    ],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const limits = limitsOf(args, 'messages');
    const idleTimeoutMs = intOpt(args, 'idle-timeout-ms', 1) ?? IDLE_TIMEOUT_MS_DEFAULT;
    const fetchMaxBytes = intOpt(args, 'fetch-max-bytes', 1024, 2 ** 31 - 1) ?? FETCH_MAX_BYTES_DEFAULT;
    const maxPartitionFetchBytes =
      intOpt(args, 'max-partition-fetch-bytes', 1024, 2 ** 31 - 1) ?? MAX_PARTITION_FETCH_BYTES_DEFAULT;
    const group = stringOpt(args, 'group');
    const ctx = contextOf(args);
    const partitions = await perfPartitionsOf(ctx, topic);
    const { Consumer } = await loadClient();
    const consumer: Consumer = new Consumer({
      ...ctx.clientConfig(),
      ...(group === undefined ? {} : { groupId: group }),
      autoOffsetReset: 'earliest',
      maxPollRecords: 5000,
      fetchMaxBytes,
      maxPartitionFetchBytes,
    });
    let interrupted = false;
    const offInterrupt = onInterrupt(() => {
      interrupted = true;
    });
    const latency = new LatencyHistogram();
    let records = 0;
    let bytes = 0;
    let rebalanceMs: number | null = null;
    let startedMs = performance.now();
    let lastRecordAtMs = startedMs;
    const progress = new ProgressLine(() => progressText(records, bytes, startedMs, latency));
    const joinWaitMs = Math.max(ctx.timeoutMs, JOIN_WAIT_MS_MIN);
    let assigned = group === undefined;
    try {
      if (group === undefined) consumer.assign(partitions.map((partition) => ({ topic, partition })));
      else {
        consumer.subscribe([topic], {
          // As Kafka's tool keeps rebalance time out of fetch time: the clock starts at the assignment.
          onPartitionsAssigned: (tps) => {
            if (assigned || tps.length === 0) return;
            assigned = true;
            rebalanceMs = performance.now() - startedMs;
            startedMs = performance.now();
            lastRecordAtMs = startedMs;
          },
        });
      }
      while (records < limits.records && !interrupted) {
        const now = performance.now();
        if (!assigned && now - startedMs >= joinWaitMs) {
          throw new CommandError(`no partitions assigned to group "${group}" within ${joinWaitMs} ms`);
        }
        if (assigned && (now - startedMs >= limits.durationMs || now - lastRecordAtMs >= idleTimeoutMs)) break;
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
      offInterrupt();
      progress.stop();
      await consumer.close();
    }
    // Time spent waiting for records that never came is not consumer throughput.
    const endMs = records >= limits.records || interrupted ? performance.now() : lastRecordAtMs;
    printReport(buildReport(records, bytes, endMs - startedMs, latency), ctx.json, {
      topic,
      group: group ?? null,
      rebalanceMs: rebalanceMs === null ? null : Math.round(rebalanceMs),
      fetchMaxBytes,
      maxPartitionFetchBytes,
      idleTimeoutMs,
      interrupted,
    });
    return interrupted ? EXIT_INTERRUPTED : 0;
  },
};
