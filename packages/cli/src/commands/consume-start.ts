// Where `fluxo consume` starts without a group: --from-beginning, --offset, --from-timestamp,
// or (by default, like Kafka's console consumer) the end of each partition.
import type { Admin, Consumer, TopicPartition } from '@fluxo/client';
import { boolOpt, intOpt, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import { note } from '../cli/output.js';
import { parseTimestampMs } from './time-arg.js';

export type Start =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'timestamp'; ms: bigint };

export function startOf(args: ParsedArgs): Start | null {
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
    // As Kafka's console consumer: an offset means one partition's offset.
    if (args.values.partition === undefined) throw usageError(args, `--offset ${offset} needs --partition`);
    return { kind: 'offset', offset: BigInt(offset) };
  }
  if (timestamp !== undefined) return { kind: 'timestamp', ms: parseTimestampMs(args, '--from-timestamp', timestamp) };
  return null;
}

/** The topic's partitions, or only --partition (which must exist). */
export async function partitionsOf(admin: Admin, args: ParsedArgs, topic: string): Promise<TopicPartition[]> {
  const [description] = await admin.describeTopics([topic]);
  const all = description!.partitions.map((p) => ({ topic, partition: p.partition }));
  const only = intOpt(args, 'partition', 0, 1_000_000);
  if (only === undefined) return all;
  if (!all.some((tp) => tp.partition === only)) {
    throw usageError(args, `--partition: topic "${topic}" has no partition ${only} (it has ${all.length})`);
  }
  return [{ topic, partition: only }];
}

/**
 * An --offset outside the partition's log: Kafka's consumer would apply auto.offset.reset
 * (latest by default) without a word; kcat reports it. Here it is reported, then the
 * consumer starts at the end, as auto.offset.reset=latest does.
 */
async function seekOffset(admin: Admin, consumer: Consumer, tp: TopicPartition, offset: bigint): Promise<void> {
  const [[low], [high]] = await Promise.all([
    admin.listOffsets([{ ...tp, spec: 'earliest' }]),
    admin.listOffsets([{ ...tp, spec: 'latest' }]),
  ]);
  if (low === undefined || high === undefined || (offset >= low.offset && offset <= high.offset)) {
    consumer.seek(tp, offset);
    return;
  }
  note(
    `--offset ${offset} is outside ${tp.topic}-${tp.partition}'s offsets ${low.offset}..${high.offset}: ` +
      `starting at the end (${high.offset}), as auto.offset.reset=latest`,
  );
  consumer.seek(tp, high.offset);
}

/** Positions each assigned partition per the start option (no group: the default is the end, like Kafka). */
export async function seekAll(
  admin: Admin,
  consumer: Consumer,
  tps: TopicPartition[],
  start: Start | null,
): Promise<void> {
  const kind = start?.kind ?? 'latest';
  if (kind === 'earliest') consumer.seekToBeginning(tps);
  else if (kind === 'latest') consumer.seekToEnd(tps);
  else if (start?.kind === 'offset') for (const tp of tps) await seekOffset(admin, consumer, tp, start.offset);
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
