// `fluxo groups list|describe|delete|reset-offsets`: kafka-consumer-groups on the Admin client.
import type { Admin, GroupDescription, GroupState, GroupTopicPartitionOffset, TopicPartition } from '@fluxo/client';
import { boolOpt, names, type OptionSpec, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Command, CommandGroup } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { CommandError } from '../cli/exit-codes.js';
import { printJson, printTable } from '../cli/output.js';
import { parseTimestampMs } from './time-arg.js';

const GROUP_OPTION: Record<string, OptionSpec> = {
  group: { type: 'string', value: 'GROUP', help: 'the group (or give it as the first argument)' },
};

function groupsOf(args: ParsedArgs): string[] {
  const flag = stringOpt(args, 'group');
  const groups = [...(flag === undefined ? [] : [flag]), ...args.positionals];
  if (groups.length === 0) throw usageError(args, 'missing group id');
  return groups;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

const list: Command = {
  spec: {
    name: 'groups list',
    args: '',
    summary: 'List consumer groups with their state.',
    options: {
      state: {
        type: 'string',
        value: 'STATE[,STATE]',
        multiple: true,
        help: 'only groups in these states (e.g. Stable,Empty)',
      },
    },
    positionals: { min: 0, max: 0 },
    examples: ['fluxo groups list --state Stable'],
    cluster: true,
  },
  async run(args) {
    const states = names(args, 'state') as GroupState[];
    const ctx = contextOf(args);
    const groups = await withAdmin(ctx, (admin) => admin.listGroups(states.length > 0 ? { states } : {}));
    groups.sort((a, b) => a.groupId.localeCompare(b.groupId));
    if (ctx.json) printJson(groups);
    else
      printTable(
        ['GROUP', 'STATE', 'PROTOCOL-TYPE'],
        groups.map((g) => [g.groupId, g.state || '-', g.protocolType || '-']),
      );
    return 0;
  },
};

export interface PartitionLag {
  topic: string;
  partition: number;
  currentOffset: bigint | null;
  logEndOffset: bigint;
  lag: bigint | null;
  memberId: string | null;
  clientId: string | null;
  host: string | null;
}

async function lagOf(admin: Admin, group: GroupDescription): Promise<PartitionLag[]> {
  const committed = await admin.listConsumerGroupOffsets(group.groupId);
  const owner = new Map<string, GroupDescription['members'][number]>();
  for (const m of group.members) for (const tp of m.assignment) owner.set(tpKey(tp.topic, tp.partition), m);
  const partitions = new Map<string, TopicPartition>();
  for (const c of committed) partitions.set(tpKey(c.topic, c.partition), { topic: c.topic, partition: c.partition });
  for (const m of group.members) for (const tp of m.assignment) partitions.set(tpKey(tp.topic, tp.partition), tp);
  const tps = [...partitions.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const ends = tps.length === 0 ? [] : await admin.listOffsets(tps.map((tp) => ({ ...tp, spec: 'latest' as const })));
  return tps.map((tp) => {
    const key = tpKey(tp.topic, tp.partition);
    const current = committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? null;
    const end = ends.find((e) => e.topic === tp.topic && e.partition === tp.partition)?.offset ?? -1n;
    const member = owner.get(key);
    return {
      ...tp,
      currentOffset: current !== null && current >= 0n ? current : null,
      logEndOffset: end,
      lag: current !== null && current >= 0n && end >= 0n ? end - current : null,
      memberId: member?.memberId ?? null,
      clientId: member?.clientId ?? null,
      host: member?.clientHost ?? null,
    };
  });
}

const describe: Command = {
  spec: {
    name: 'groups describe',
    args: '<group...>',
    summary: 'Show members, their assignment, and per partition the committed offset, log end offset and lag.',
    options: GROUP_OPTION,
    positionals: { min: 0, max: 100 },
    examples: ['fluxo groups describe billing'],
    cluster: true,
  },
  async run(args) {
    const ids = groupsOf(args);
    const ctx = contextOf(args);
    const views = await withAdmin(ctx, async (admin) => {
      const groups = await admin.describeGroups(ids);
      const views = await Promise.all(groups.map(async (g) => ({ ...g, offsets: await lagOf(admin, g) })));
      // The coordinator answers Dead for a group it has never seen; say so rather than print nothing.
      const missing = views.find((g) => g.state === 'Dead' && g.members.length === 0 && g.offsets.length === 0);
      if (missing !== undefined) throw new CommandError(`consumer group "${missing.groupId}" does not exist`);
      return views;
    });
    if (ctx.json) {
      printJson(views);
      return 0;
    }
    printTable(
      ['GROUP', 'STATE', 'PROTOCOL', 'COORDINATOR', 'MEMBERS'],
      views.map((g) => [g.groupId, g.state, g.protocol || '-', g.coordinator, g.members.length]),
    );
    process.stdout.write('\n');
    printTable(
      ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
      views.flatMap((g) =>
        g.offsets.map((o) => [
          g.groupId,
          o.topic,
          o.partition,
          o.currentOffset,
          o.logEndOffset,
          o.lag,
          o.memberId,
          o.host,
          o.clientId,
        ]),
      ),
    );
    return 0;
  },
};

const remove: Command = {
  spec: {
    name: 'groups delete',
    args: '<group...>',
    summary: 'Delete groups that have no members (their committed offsets go with them).',
    options: GROUP_OPTION,
    positionals: { min: 0, max: 100 },
    examples: ['fluxo groups delete billing'],
    cluster: true,
  },
  async run(args) {
    const ids = groupsOf(args);
    const ctx = contextOf(args);
    const results = await withAdmin(ctx, (admin) => admin.deleteGroups(ids));
    const failed = results.filter((r) => r.error !== null);
    if (ctx.json)
      printJson(
        results.map((r) => ({
          groupId: r.groupId,
          error: r.error === null ? null : `${r.error.name}: ${r.error.message}`,
        })),
      );
    else for (const r of results) if (r.error === null) process.stdout.write(`deleted group "${r.groupId}"\n`);
    if (failed.length > 0) throw failed[0]!.error;
    return 0;
  },
};

type ResetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: bigint }
  | { kind: 'datetime'; ms: bigint }
  | { kind: 'shift'; by: bigint };

function resetSpecOf(args: ParsedArgs): ResetSpec {
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
function topicFilters(args: ParsedArgs): { topic: string; partitions: number[] | null }[] {
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

async function planReset(admin: Admin, args: ParsedArgs, group: string, spec: ResetSpec): Promise<OffsetReset[]> {
  const committed = await admin.listConsumerGroupOffsets(group);
  const targets: TopicPartition[] = [];
  if (boolOpt(args, 'all-topics')) {
    for (const c of committed) targets.push({ topic: c.topic, partition: c.partition });
  } else {
    for (const f of topicFilters(args)) {
      const [d] = await admin.describeTopics([f.topic]);
      const all = d!.partitions.map((p) => p.partition);
      for (const p of f.partitions ?? all) {
        if (!all.includes(p)) throw usageError(args, `--topic: "${f.topic}" has no partition ${p}`);
        targets.push({ topic: f.topic, partition: p });
      }
    }
  }
  if (targets.length === 0) return [];
  const [earliest, latest] = await Promise.all([
    admin.listOffsets(targets.map((tp) => ({ ...tp, spec: 'earliest' as const }))),
    admin.listOffsets(targets.map((tp) => ({ ...tp, spec: 'latest' as const }))),
  ]);
  const byTime =
    spec.kind === 'datetime' ? await admin.listOffsets(targets.map((tp) => ({ ...tp, spec: spec.ms }))) : [];
  const find = (list: { topic: string; partition: number; offset: bigint }[], tp: TopicPartition) =>
    list.find((a) => a.topic === tp.topic && a.partition === tp.partition)?.offset ?? -1n;
  return targets.map((tp) => {
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
}

/** Kafka refuses to move offsets under live members: they would overwrite them at once. */
const RESETTABLE_STATES = ['Empty', 'Dead'];

const resetOffsets: Command = {
  spec: {
    name: 'groups reset-offsets',
    args: '<group>',
    summary: 'Move committed offsets of an inactive group. Prints the plan (dry run) unless --execute.',
    options: {
      ...GROUP_OPTION,
      topic: { type: 'string', value: 'TOPIC[:P,P]', multiple: true, help: 'topics (and partitions) to reset' },
      'all-topics': { type: 'boolean', help: 'every topic the group has committed offsets for' },
      'to-earliest': { type: 'boolean', help: 'to the log start offset' },
      'to-latest': { type: 'boolean', help: 'to the log end offset' },
      'to-offset': { type: 'string', value: 'N', help: 'to this offset (clamped to the log)' },
      'to-datetime': { type: 'string', value: 'ISO-DATE|MS', help: 'to the first offset at or after this time' },
      'shift-by': { type: 'string', value: '[-]N', help: 'move the committed offset by N' },
      execute: { type: 'boolean', help: 'apply the plan (without it nothing changes)' },
      'dry-run': { type: 'boolean', help: 'only print the plan (the default)' },
    },
    positionals: { min: 0, max: 1 },
    examples: [
      'fluxo groups reset-offsets billing --topic orders --to-earliest            # dry run',
      'fluxo groups reset-offsets billing --all-topics --shift-by -10 --execute',
    ],
    cluster: true,
  },
  async run(args) {
    const [group] = groupsOf(args);
    if (groupsOf(args).length > 1) throw usageError(args, 'one group at a time');
    const spec = resetSpecOf(args);
    const allTopics = boolOpt(args, 'all-topics') === true;
    if (allTopics === (args.values.topic !== undefined)) throw usageError(args, 'give --topic or --all-topics');
    const execute = boolOpt(args, 'execute') === true;
    if (execute && boolOpt(args, 'dry-run')) throw usageError(args, '--execute and --dry-run contradict each other');
    topicFilters(args);
    const ctx = contextOf(args);
    const plan = await withAdmin(ctx, async (admin) => {
      const [description] = await admin.describeGroups([group!]);
      const state = description?.state ?? 'Dead';
      if (!RESETTABLE_STATES.includes(state)) {
        throw new CommandError(`offsets can only be reset when group "${group}" is inactive, but it is ${state}`);
      }
      const planned = await planReset(admin, args, group!, spec);
      if (execute && planned.length > 0) {
        const offsets: GroupTopicPartitionOffset[] = planned.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          offset: p.newOffset,
        }));
        await admin.alterConsumerGroupOffsets(group!, offsets);
      }
      return planned;
    });
    if (ctx.json) printJson({ group, executed: execute, offsets: plan });
    else {
      printTable(
        ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
        plan.map((p) => [group, p.topic, p.partition, p.currentOffset, p.newOffset]),
      );
      if (!execute) process.stderr.write('dry run: nothing changed (add --execute to apply)\n');
    }
    return 0;
  },
};

export const groupsGroup: CommandGroup = {
  name: 'groups',
  summary: 'List, describe (lag), delete consumer groups and reset their offsets (like kafka-consumer-groups).',
  commands: { list, describe, delete: remove, 'reset-offsets': resetOffsets },
};
