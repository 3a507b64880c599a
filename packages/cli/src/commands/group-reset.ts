// The plan of `groups reset-offsets`: which partitions, and where each committed offset goes.
import { type Admin, type TopicPartition, throwIfAnyFailed } from '@fluxo/client';
import { boolOpt, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import { splitLive } from './live-partitions.js';
import { parseTimestampMs } from './time-arg.js';

export type ResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'datetime'; ms: bigint }
  | { kind: 'shift'; by: bigint };

export function resetSpecOf(args: ParsedArgs): ResetSpec {
  const chosen: ResetSpec[] = [];
  if (boolOpt(args, 'to-earliest')) chosen.push({ kind: 'earliest' });
  if (boolOpt(args, 'to-latest')) chosen.push({ kind: 'latest' });
  const toOffset = stringOpt(args, 'to-offset');
  if (toOffset !== undefined) {
    if (!/^\d+$/.test(toOffset)) throw usageError(args, `--to-offset: "${toOffset}" is not an offset`);
    chosen.push({ kind: 'offset', offset: BigInt(toOffset) });
  }
  const toDatetime = stringOpt(args, 'to-datetime');
  if (toDatetime !== undefined)
    chosen.push({ kind: 'datetime', ms: parseTimestampMs(args, '--to-datetime', toDatetime) });
  const shiftBy = stringOpt(args, 'shift-by');
  if (shiftBy !== undefined) {
    if (!/^-?\d+$/.test(shiftBy)) throw usageError(args, `--shift-by: "${shiftBy}" is not an integer`);
    chosen.push({ kind: 'shift', by: BigInt(shiftBy) });
  }
  if (chosen.length !== 1) {
    throw usageError(args, 'give exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by');
  }
  return chosen[0]!;
}

/** Kafka's --topic syntax: "orders" (all partitions) or "orders:0,2". */
export function topicFilters(args: ParsedArgs): { topic: string; partitions: number[] | null }[] {
  return ((args.values.topic as string[] | undefined) ?? []).map((t) => {
    const at = t.indexOf(':');
    if (at < 0) return { topic: t, partitions: null };
    const partitions = t
      .slice(at + 1)
      .split(',')
      .map((p) => {
        if (!/^\d+$/.test(p.trim())) throw usageError(args, `--topic: "${t}" is not TOPIC or TOPIC:P,P`);
        return Number(p);
      });
    return { topic: t.slice(0, at), partitions };
  });
}

export interface OffsetReset {
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  newOffset: bigint;
}

export interface ResetPlan {
  offsets: OffsetReset[];
  /** --all-topics: committed offsets of topics that no longer exist, left alone. */
  skipped: { topic: string; partition: number; currentOffset: bigint }[];
}

/** The partitions to reset: named ones (which must exist), or every committed one that still has a topic. */
async function targetsOf(
  admin: Admin,
  args: ParsedArgs,
  committed: { topic: string; partition: number; offset: bigint }[],
): Promise<{ targets: TopicPartition[]; skipped: ResetPlan['skipped'] }> {
  if (boolOpt(args, 'all-topics')) {
    const { live, gone } = await splitLive(admin, committed);
    return {
      targets: live.map((c) => ({ topic: c.topic, partition: c.partition })),
      skipped: gone.map((c) => ({ topic: c.topic, partition: c.partition, currentOffset: c.offset })),
    };
  }
  const targets: TopicPartition[] = [];
  for (const f of topicFilters(args)) {
    // An unknown topic is the cluster's error (UNKNOWN_TOPIC_OR_PARTITION), at once.
    const [d] = await admin.describeTopics([f.topic]);
    const all = d!.partitions.map((p) => p.partition);
    for (const p of f.partitions ?? all) {
      if (!all.includes(p)) throw usageError(args, `--topic: "${f.topic}" has no partition ${p}`);
      targets.push({ topic: f.topic, partition: p });
    }
  }
  return { targets, skipped: [] };
}

export async function planReset(admin: Admin, args: ParsedArgs, group: string, spec: ResetSpec): Promise<ResetPlan> {
  const committed = throwIfAnyFailed(await admin.listConsumerGroupOffsets(group));
  const { targets, skipped } = await targetsOf(admin, args, committed);
  if (targets.length === 0) return { offsets: [], skipped };
  const [earliest, latest] = await Promise.all([
    admin.listOffsets(targets.map((tp) => ({ ...tp, spec: 'earliest' as const }))),
    admin.listOffsets(targets.map((tp) => ({ ...tp, spec: 'latest' as const }))),
  ]);
  const byTime =
    spec.kind === 'datetime' ? await admin.listOffsets(targets.map((tp) => ({ ...tp, spec: spec.ms }))) : [];
  const find = (list: { topic: string; partition: number; offset: bigint }[], tp: TopicPartition) =>
    list.find((a) => a.topic === tp.topic && a.partition === tp.partition)?.offset ?? -1n;
  const offsets = targets.map((tp) => {
    const low = find(earliest, tp);
    const high = find(latest, tp);
    const current = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? null;
    const currentOffset = current !== null && current >= 0n ? current : null;
    let target: bigint;
    if (spec.kind === 'earliest') target = low;
    else if (spec.kind === 'latest') target = high;
    else if (spec.kind === 'offset') target = spec.offset;
    else if (spec.kind === 'datetime') {
      const at = find(byTime, tp);
      target = at < 0n ? high : at;
    } else target = (currentOffset ?? low) + spec.by;
    // Like Kafka: an offset outside the log is clamped to its start or end.
    const newOffset = target < low ? low : target > high ? high : target;
    return { ...tp, currentOffset, newOffset };
  });
  return { offsets, skipped };
}
