// `fluxo topics alter`: partitions and configs are two requests, as in kafka-topics --alter.
// Configs are validated (validateOnly) before anything changes, and each step's outcome is
// reported, so a failure never leaves the user guessing what was applied.
import { type Admin, type AlterConfigOp, throwIfAnyFailed } from '@fluxo/client';
import { intOpt, keyValues, listOpt, type ParsedArgs, usageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { type Context, contextOf, withAdmin } from '../cli/context.js';
import { describeError } from '../cli/exit-codes.js';
import { note, printJson } from '../cli/output.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

type StepError = { name: string; message: string } | null;

interface AlterResult {
  topic: string;
  partitions: { count: number; applied: boolean; error: StepError } | null;
  configs: { set: Record<string, string>; deleted: string[]; applied: boolean; error: StepError } | null;
}

function stepError(err: unknown): StepError {
  const { name, message } = describeError(err);
  return { name, message };
}

/** Runs the steps in order and stops at the first failure; returns the outcome and that failure. */
async function alterTopic(
  ctx: Context,
  admin: Admin,
  topic: string,
  partitions: number | undefined,
  ops: AlterConfigOp[],
  result: AlterResult,
): Promise<unknown> {
  const changes = [{ resource: { type: 'topic' as const, name: topic }, ops }];
  if (ops.length > 0) {
    try {
      throwIfAnyFailed(await admin.incrementalAlterConfigs(changes, { validateOnly: true }));
    } catch (err) {
      result.configs!.error = stepError(err);
      return err;
    }
  }
  if (partitions !== undefined) {
    try {
      throwIfAnyFailed(await admin.createPartitions([{ topic, count: partitions }], { timeoutMs: ctx.timeoutMs }));
      result.partitions!.applied = true;
    } catch (err) {
      result.partitions!.error = stepError(err);
      return err;
    }
  }
  if (ops.length > 0) {
    try {
      throwIfAnyFailed(await admin.incrementalAlterConfigs(changes));
      result.configs!.applied = true;
    } catch (err) {
      result.configs!.error = stepError(err);
      return err;
    }
  }
  return null;
}

function printOutcome(r: AlterResult): void {
  const p = r.partitions;
  const c = r.configs;
  if (p?.applied) process.stdout.write(`raised partitions of "${r.topic}" to ${p.count}\n`);
  if (c?.applied) {
    const what = [...Object.entries(c.set).map(([k, v]) => `set ${k}=${v}`), ...c.deleted.map((k) => `deleted ${k}`)];
    process.stdout.write(`altered configs of "${r.topic}": ${what.join(', ')}\n`);
  }
  if (!p?.error && !c?.error) return;
  // The error itself follows on stderr; this line says what it left behind.
  note(
    p?.applied
      ? `the partitions of "${r.topic}" were raised to ${p.count}, but its configs were not altered`
      : `nothing was changed in "${r.topic}"`,
  );
}

export const alterTopicCommand: Command = {
  spec: {
    name: 'topics alter',
    args: '<topic>',
    summary:
      'Raise the partition count and/or set or delete config overrides; configs are validated before anything changes.',
    options: {
      ...TOPIC_OPTION,
      partitions: { type: 'string', value: 'N', help: 'new partition count (can only grow)' },
      config: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'set a config override' },
      'delete-config': { type: 'string', value: 'KEY', multiple: true, help: 'remove a config override' },
    },
    positionals: { min: 0, max: 1 },
    examples: ['fluxo topics alter orders --partitions 6 --config retention.ms=3600000'],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const { partitions, set, deleteKeys } = alterOptions(args);
    const ops: AlterConfigOp[] = [
      ...[...set].map(([name, value]) => ({ name, op: 'set' as const, value })),
      ...deleteKeys.map((name) => ({ name, op: 'delete' as const })),
    ];
    const ctx = contextOf(args);
    const result: AlterResult = {
      topic,
      partitions: partitions === undefined ? null : { count: partitions, applied: false, error: null },
      configs:
        ops.length === 0 ? null : { set: Object.fromEntries(set), deleted: deleteKeys, applied: false, error: null },
    };
    const failure = await withAdmin(ctx, (admin) => alterTopic(ctx, admin, topic, partitions, ops, result));
    if (ctx.json) printJson(result);
    else printOutcome(result);
    if (failure !== null) throw failure;
    return 0;
  },
};

function alterOptions(args: ParsedArgs) {
  const partitions = intOpt(args, 'partitions', 1, 1_000_000);
  const set = keyValues(args, 'config');
  const deleteKeys = listOpt(args, 'delete-config');
  if (partitions === undefined && set.size === 0 && deleteKeys.length === 0) {
    throw usageError(args, 'nothing to alter: give --partitions, --config or --delete-config');
  }
  return { partitions, set, deleteKeys };
}
