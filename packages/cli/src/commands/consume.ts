// `fluxo consume`: kafka-console-consumer / kcat -C. Without --group it assigns the
// topic's partitions itself; with --group it joins the group and commits what it printed.
import type { Consumer, ConsumerRecord } from '@fluxo/client';
import { boolOpt, intOpt, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { type Context, connectAdmin, contextOf } from '../cli/context.js';
import { onInterrupt } from '../cli/interrupt.js';
import { note, toJson } from '../cli/output.js';
import { onStdoutClosed, stdoutWritten } from '../cli/stdout-closed.js';
import { partitionsOf, seekAll, startOf } from './consume-start.js';
import { PrintedOffsets } from './printed-offsets.js';
import { compileFormat, DEFAULT_FORMAT, FORMAT_FIELDS, recordJson } from './record-format.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** How long one poll waits before the loop re-checks end-of-log, idle time and signals. */
const POLL_MS = 200;
/** With --group, printed records are committed at least this often (and on exit). */
const COMMIT_INTERVAL_MS = 1000;

type ConsumedRecord = ConsumerRecord<Buffer, Buffer>;

/** Writes one record; `written` runs once stdout has taken it (never when the reader has gone). */
type Printer = (r: ConsumedRecord, written: () => void) => void;

function printerOf(ctx: Context, args: ParsedArgs): Printer {
  const template = stringOpt(args, 'format');
  if (ctx.json && template !== undefined) throw usageError(args, '--format and --json exclude each other');
  let format: (r: ConsumedRecord) => string;
  try {
    format = ctx.json ? (r) => toJson(recordJson(r)) : compileFormat(template ?? DEFAULT_FORMAT);
  } catch (err) {
    throw usageError(args, `--format: ${(err as Error).message}`);
  }
  return (r, written) => process.stdout.write(`${format(r)}\n`, (err) => err || written());
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
      offset: {
        type: 'string',
        value: 'N|earliest|latest',
        help: 'start here (without --group; N needs --partition, and outside the log means the end)',
      },
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
        help: `output template with ${FORMAT_FIELDS.map((f) => `{${f}}`).join(' ')}, \\t, \\n (default ${DEFAULT_FORMAT}; not with --json)`,
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
    const print = printerOf(ctx, args);

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
    // Ctrl-C, or the reader of a pipe went away (`| head`): stop, commit what was printed, leave.
    const offInterrupt = onInterrupt(stop);
    const offStdoutClosed = onStdoutClosed(stop);
    let handed = 0;
    let written = 0;
    const onWritten = (r: ConsumedRecord) => () => {
      written++;
      printed.add(r);
    };
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
          onPartitionsRevoked: async (revoked) => {
            await stdoutWritten();
            await printed.commit(consumer, revoked);
          },
          onPartitionsLost: (lost) => printed.forget(lost),
        });
      }
      let lastCommitAtMs = performance.now();
      let lastRecordAtMs = performance.now();
      while (!stopping) {
        const records = (await consumer.poll(POLL_MS)) as ConsumedRecord[];
        for (const r of records) {
          if (stopping) break;
          print(r, onWritten(r));
          handed++;
          if (maxMessages !== undefined && handed >= maxMessages) break;
        }
        if (records.length > 0) lastRecordAtMs = performance.now();
        if (group !== undefined && performance.now() - lastCommitAtMs >= COMMIT_INTERVAL_MS) {
          await printed.commit(consumer);
          lastCommitAtMs = performance.now();
        }
        if (maxMessages !== undefined && handed >= maxMessages) break;
        if (exitAtEnd && (await reachedEnd(consumer, ends))) break;
        if (idleTimeoutMs !== undefined && performance.now() - lastRecordAtMs >= idleTimeoutMs) break;
      }
      await stdoutWritten();
      if (group !== undefined) await printed.commit(consumer);
    } finally {
      offInterrupt();
      offStdoutClosed();
      await consumer.close();
      await admin.close();
    }
    if (!ctx.json) note(`consumed ${written} record${written === 1 ? '' : 's'}`);
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
