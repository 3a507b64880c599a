// `fluxo groups list|describe|delete|reset-offsets`: kafka-consumer-groups on the Admin client.
import { type GroupState, type GroupTopicPartitionOffset, throwIfAnyFailed } from '@fluxo/client';
import { boolOpt, names, type OptionSpec, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Command, CommandGroup } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { CommandError, reportError } from '../cli/exit-codes.js';
import { type Cell, note, printJson, printTable } from '../cli/output.js';
import { lagOf } from './group-lag.js';
import { planReset, resetSpecOf, topicFilters } from './group-reset.js';

const GROUP_OPTION: Record<string, OptionSpec> = {
  group: { type: 'string', value: 'GROUP', help: 'the group (or give it as the first argument)' },
};

function groupsOf(args: ParsedArgs): string[] {
  const flag = stringOpt(args, 'group');
  const groups = [...(flag === undefined ? [] : [flag]), ...args.positionals];
  if (groups.length === 0) throw usageError(args, 'missing group id');
  return groups;
}

/** Kafka's group states (ConsumerGroupState), as ListGroups filters them. */
const GROUP_STATES: readonly GroupState[] = [
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
  'Empty',
  'Assigning',
  'Reconciling',
  'Unknown',
];

/** --state values, case-insensitive as in Kafka's tool; a typo is a usage error, not an empty list. */
function statesOf(args: ParsedArgs): GroupState[] {
  return names(args, 'state').map((given) => {
    const state = GROUP_STATES.find((s) => s.toLowerCase() === given.toLowerCase());
    if (state === undefined) {
      throw usageError(args, `--state: "${given}" is not a group state (one of ${GROUP_STATES.join(', ')})`);
    }
    return state;
  });
}

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
        help: `only groups in these states (${GROUP_STATES.slice(0, 5).join(', ')}…)`,
      },
    },
    positionals: { min: 0, max: 0 },
    examples: ['fluxo groups list --state Stable'],
    cluster: true,
  },
  async run(args) {
    const states = statesOf(args);
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
      views.flatMap((g) => [
        ...g.offsets.map((o): Cell[] => [
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
        // As Kafka's tool: a member that owns no partition still gets a row, with "-" for the partition.
        ...g.members
          .filter((m) => m.assignment.length === 0)
          .map((m): Cell[] => [g.groupId, null, null, null, null, null, m.memberId, m.clientHost, m.clientId]),
      ]),
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
    if (ctx.json)
      printJson(
        results.map((r) => ({
          groupId: r.groupId,
          deleted: r.error === null,
          error: r.error === null ? null : { name: r.error.name, message: r.error.message },
        })),
      );
    else for (const r of results) if (r.error === null) process.stdout.write(`deleted group "${r.groupId}"\n`);
    // Each failure on stderr; the others were deleted all the same.
    let code = 0;
    for (const r of results) if (r.error !== null) code = reportError(r.error, ctx.json);
    return code;
  },
};

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
      'all-topics': {
        type: 'boolean',
        help: 'every topic the group has committed offsets for (topics deleted since are skipped)',
      },
      'to-earliest': { type: 'boolean', help: 'to the log start offset' },
      'to-latest': { type: 'boolean', help: 'to the log end offset' },
      'to-offset': { type: 'string', value: 'N', help: 'to this offset (clamped to the log)' },
      'to-datetime': { type: 'string', value: 'ISO-DATE|MS', help: 'to the first offset at or after this time' },
      'shift-by': { type: 'string', value: '[-]N', help: 'move the committed offset by N (clamped to the log)' },
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
      if (execute && planned.offsets.length > 0) {
        const offsets: GroupTopicPartitionOffset[] = planned.offsets.map((p) => ({
          topic: p.topic,
          partition: p.partition,
          offset: p.newOffset,
        }));
        throwIfAnyFailed(await admin.alterConsumerGroupOffsets(group!, offsets));
      }
      return planned;
    });
    if (plan.skipped.length > 0 && !ctx.json) {
      const which = plan.skipped.map((s) => `${s.topic}-${s.partition}`).join(', ');
      note(`skipped ${which}: no longer in the cluster (committed offsets left as they are)`);
    }
    if (ctx.json) printJson({ group, executed: execute, offsets: plan.offsets, skipped: plan.skipped });
    else {
      printTable(
        ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'],
        plan.offsets.map((p) => [group, p.topic, p.partition, p.currentOffset, p.newOffset]),
      );
      if (!execute) note('dry run: nothing changed (add --execute to apply)');
    }
    return 0;
  },
};

export const groupsGroup: CommandGroup = {
  name: 'groups',
  summary: 'List, describe (lag), delete consumer groups and reset their offsets (like kafka-consumer-groups).',
  commands: { list, describe, delete: remove, 'reset-offsets': resetOffsets },
};
