// `fluxo consume`: kafka-console-consumer / kcat -C. Without --group it assigns the
// topic's partitions itself; with --group it joins the group and commits what it printed.
import type { Admin, Consumer, ConsumerRecord, OffsetAndMetadata, TopicPartition } from '@fluxo/client';
import { boolOpt, intOpt, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { type Context, connectAdmin, contextOf } from '../cli/context.js';
import { note, printJsonLine } from '../cli/output.js';
import { compileFormat, DEFAULT_FORMAT, FORMAT_FIELDS, recordJson } from './record-format.js';
import { parseTimestampMs } from './time-arg.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** How long one poll waits before the loop re-checks end-of-log, idle time and signals. */
const POLL_MS = 200;
/** With --group, printed records are committed at least this often (and on exit). */
const COMMIT_INTERVAL_MS = 1000;

type Start =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'timestamp'; ms: bigint };

function startOf(args: ParsedArgs): Start | null {
  const fromBeginning = boolOpt(args, 'from-beginning') === true;
  const offset = stringOpt(args, 'offset');
  const timestamp = stringOpt(args, 'from-timestamp');
  if ([fromBeginning, offset !== undefined, timestamp !== undefined].filter(Boolean).length > 1) {
    throw usageError(args, 'give at most one of --from-beginning, --offset and --from-timestamp');
  }
  if (fromBeginning || offset === 'earliest') return { kind: 'earliest' };
  if (offset === 'latest') return { kind: 'latest' };
  if (offset !== undefined) {
    if (!/^\d+$/.test(offset)) throw usageError(args, `--offset: "${offset}" is not a number, earliest or latest`);
    return { kind: 'offset', offset: BigInt(offset) };
  }
  if (timestamp !== undefined) return { kind: 'timestamp', ms: parseTimestampMs(args, '--from-timestamp', timestamp) };
  return null;
}

/** Positions each assigned partition per the start option (no group: the default is the end, like Kafka). */
async function seekAll(admin: Admin, consumer: Consumer, tps: TopicPartition[], start: Start | null): Promise<void> {
  const kind = start?.kind ?? 'latest';
  if (kind === 'earliest') consumer.seekToBeginning(tps);
  else if (kind === 'latest') consumer.seekToEnd(tps);
  else if (start?.kind === 'offset') for (const tp of tps) consumer.seek(tp, start.offset);
  else if (start?.kind === 'timestamp') {
    const answers = await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: start.ms })));
    const ends = await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: 'latest' as const })));
    for (const a of answers) {
      const end = ends.find((e) => e.topic === a.topic && e.partition === a.partition)!.offset;
      // No record at or after the timestamp: start at the end.
      consumer.seek({ topic: a.topic, partition: a.partition }, a.offset < 0n ? end : a.offset);
    }
  }
}

async function partitionsOf(admin: Admin, args: ParsedArgs, topic: string): Promise<TopicPartition[]> {
  const [description] = await admin.describeTopics([topic]);
  const all = description!.partitions.map((p) => ({ topic, partition: p.partition }));
  const only = intOpt(args, 'partition', 0, 1_000_000);
  if (only === undefined) return all;
  if (!all.some((tp) => tp.partition === only)) {
    throw usageError(args, `--partition: topic "${topic}" has no partition ${only} (it has ${all.length})`);
  }
  return [{ topic, partition: only }];
}

interface Printer {
  print(r: ConsumerRecord<Buffer, Buffer>): void;
}

function printerOf(ctx: Context, args: ParsedArgs): Printer {
  if (ctx.json) return { print: (r) => printJsonLine(recordJson(r)) };
  let format: (r: ConsumerRecord<Buffer, Buffer>) => string;
  try {
    format = compileFormat(stringOpt(args, 'format') ?? DEFAULT_FORMAT);
  } catch (err) {
    throw usageError(args, `--format: ${(err as Error).message}`);
  }
  return { print: (r) => process.stdout.write(`${format(r)}\n`) };
}

export const consumeCommand: Command = {
  spec: {
    name: 'consume',
    args: '<topic>',
    summary: 'Print records of a topic; follows new records until Ctrl-C unless --exit-at-end or --max-messages.',
    options: {
      ...TOPIC_OPTION,
      group: { type: 'string', value: 'GROUP', help: 'consume as a member of this consumer group and commit offsets' },
      'from-beginning': {
        type: 'boolean',
        help: 'start at the earliest offset (with --group: when none is committed)',
      },
      offset: { type: 'string', value: 'N|earliest|latest', help: 'start at this offset (without --group)' },
      'from-timestamp': {
        type: 'string',
        value: 'MS|ISO-DATE',
        help: 'start at the first record at or after this time (without --group)',
      },
      partition: { type: 'string', value: 'N', help: 'only this partition (without --group)' },
      'max-messages': { type: 'string', value: 'N', help: 'exit after N records' },
      'exit-at-end': { type: 'boolean', help: 'exit once the end of every partition (as of start-up) is reached' },
      'idle-timeout-ms': { type: 'string', value: 'MS', help: 'exit when no record arrives for this long' },
      format: {
        type: 'string',
        value: 'TEMPLATE',
        help: `output template with ${FORMAT_FIELDS.map((f) => `{${f}}`).join(' ')}, \\t, \\n (default ${DEFAULT_FORMAT})`,
      },
    },
    positionals: { min: 0, max: 1 },
    examples: [
      'fluxo consume orders --from-beginning --max-messages 10 --format "{partition}/{offset} {key}={value}"',
      'fluxo consume orders --group billing --from-beginning --exit-at-end --json',
    ],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const start = startOf(args);
    const group = stringOpt(args, 'group');
    if (
      group !== undefined &&
      (start?.kind === 'offset' || start?.kind === 'timestamp' || args.values.partition !== undefined)
    ) {
      throw usageError(
        args,
        '--offset, --from-timestamp and --partition need no --group (reset the group with fluxo groups reset-offsets)',
      );
    }
    const maxMessages = intOpt(args, 'max-messages', 1);
    const idleTimeoutMs = intOpt(args, 'idle-timeout-ms', 1);
    const exitAtEnd = boolOpt(args, 'exit-at-end') === true;
    const ctx = contextOf(args);
    const printer = printerOf(ctx, args);

    const admin = await connectAdmin(ctx);
    const { Consumer } = await loadClient();
    const consumer = new Consumer({
      ...ctx.clientConfig(),
      // With a group, commits are explicit: only records actually printed count as consumed.
      ...(group === undefined ? {} : { groupId: group, enableAutoCommit: false }),
      autoOffsetReset: start?.kind === 'earliest' ? 'earliest' : 'latest',
    });
    const printed = new PrintedOffsets();
    let stopping = false;
    const stop = () => {
      stopping = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let count = 0;
    try {
      const tps = await partitionsOf(admin, args, topic);
      const ends = new Map<number, bigint>();
      if (exitAtEnd) {
        for (const a of await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: 'latest' as const })))) {
          ends.set(a.partition, a.offset);
        }
      }
      if (group === undefined) {
        consumer.assign(tps);
        await seekAll(admin, consumer, tps, start);
      } else {
        consumer.subscribe([topic], {
          // Commit what was printed before the partitions move to another member.
          onPartitionsRevoked: (revoked) => printed.commit(consumer, revoked),
          onPartitionsLost: (lost) => printed.forget(lost),
        });
      }
      let lastCommitAtMs = performance.now();
      let lastRecordAtMs = performance.now();
      while (!stopping) {
        const records = (await consumer.poll(POLL_MS)) as ConsumerRecord<Buffer, Buffer>[];
        for (const r of records) {
          printer.print(r);
          printed.add(r);
          count++;
          if (maxMessages !== undefined && count >= maxMessages) break;
        }
        if (records.length > 0) lastRecordAtMs = performance.now();
        if (group !== undefined && performance.now() - lastCommitAtMs >= COMMIT_INTERVAL_MS) {
          await printed.commit(consumer);
          lastCommitAtMs = performance.now();
        }
        if (maxMessages !== undefined && count >= maxMessages) break;
        if (exitAtEnd && (await reachedEnd(consumer, ends))) break;
        if (idleTimeoutMs !== undefined && performance.now() - lastRecordAtMs >= idleTimeoutMs) break;
      }
      if (group !== undefined) await printed.commit(consumer);
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await consumer.close();
      await admin.close();
    }
    if (!ctx.json) note(`consumed ${count} record${count === 1 ? '' : 's'}`);
    return 0;
  },
};

/** True when every assigned partition's position reached its end offset taken at start-up. */
async function reachedEnd(consumer: Consumer, ends: Map<number, bigint>): Promise<boolean> {
  const assigned = consumer.assignment();
  if (assigned.length === 0) return false;
  for (const tp of assigned) {
    const end = ends.get(tp.partition) ?? 0n;
    if ((await consumer.position(tp)) < end) return false;
  }
  return true;
}

/** The next offset of each partition after the last printed record, not yet committed. */
class PrintedOffsets {
  private readonly pending = new Map<string, OffsetAndMetadata>();

  add(r: ConsumerRecord<Buffer, Buffer>): void {
    this.pending.set(`${r.topic}\u0000${r.partition}`, {
      topic: r.topic,
      partition: r.partition,
      offset: r.offset + 1n,
      leaderEpoch: r.leaderEpoch,
      metadata: '',
    });
  }

  /** Commits the pending offsets (of `only` these partitions when given). */
  async commit(consumer: Consumer, only?: readonly TopicPartition[]): Promise<void> {
    const keys = [...this.pending.keys()].filter(
      (k) => only === undefined || only.some((tp) => k === `${tp.topic}\u0000${tp.partition}`),
    );
    if (keys.length === 0) return;
    await consumer.commitSync(keys.map((k) => this.pending.get(k)!));
    for (const k of keys) this.pending.delete(k);
  }

  forget(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.pending.delete(`${tp.topic}\u0000${tp.partition}`);
  }
}
