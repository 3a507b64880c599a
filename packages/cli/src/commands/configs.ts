// `fluxo configs describe|alter`: kafka-configs for brokers and topics.
import { type ConfigEntry, type ConfigResource, throwIfAnyFailed } from '@fluxo/client';
import { boolOpt, keyValues, names, type OptionSpec, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Command, CommandGroup } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { printJson, printTable } from '../cli/output.js';

/** Kafka's ConfigSource names, by code. */
const SOURCE_NAMES: Record<number, string> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
};

const ENTITY_OPTIONS: Record<string, OptionSpec> = {
  topic: { type: 'string', value: 'NAME', help: 'a topic (same as --entity-type topics --entity-name NAME)' },
  broker: { type: 'string', value: 'ID', help: 'a broker id (same as --entity-type brokers --entity-name ID)' },
  'entity-type': { type: 'string', value: 'topics|brokers', help: "Kafka's form: the kind of entity" },
  'entity-name': { type: 'string', value: 'NAME', help: "Kafka's form: the entity's name" },
};

function resourceOf(args: ParsedArgs): Omit<ConfigResource, 'keys'> {
  const topic = stringOpt(args, 'topic');
  const broker = stringOpt(args, 'broker');
  const entityType = stringOpt(args, 'entity-type');
  const entityName = stringOpt(args, 'entity-name');
  const given = [topic, broker, entityType].filter((v) => v !== undefined).length;
  if (given !== 1) throw usageError(args, 'name exactly one of --topic NAME, --broker ID or --entity-type');
  if (topic !== undefined) return { type: 'topic', name: topic };
  if (broker !== undefined) return { type: 'broker', name: broker };
  if (entityName === undefined) throw usageError(args, '--entity-type needs --entity-name');
  if (entityType === 'topics' || entityType === 'topic') return { type: 'topic', name: entityName };
  if (entityType === 'brokers' || entityType === 'broker') return { type: 'broker', name: entityName };
  throw usageError(args, `--entity-type: "${entityType}" is not topics or brokers`);
}

const describe: Command = {
  spec: {
    name: 'configs describe',
    args: '',
    summary: 'Show the configs of a topic or broker: overrides only, or every config with --all.',
    options: {
      ...ENTITY_OPTIONS,
      all: { type: 'boolean', help: 'include defaults and static broker settings' },
      key: { type: 'string', value: 'KEY[,KEY]', multiple: true, help: 'only these config names' },
    },
    positionals: { min: 0, max: 0 },
    examples: ['fluxo configs describe --topic orders', 'fluxo configs describe --broker 1 --all'],
    cluster: true,
  },
  async run(args) {
    const resource = resourceOf(args);
    const keys = names(args, 'key');
    const ctx = contextOf(args);
    const all = boolOpt(args, 'all') === true || keys.length > 0;
    const entries = await withAdmin(ctx, async (admin) => {
      const answer = await admin.describeConfigs([{ ...resource, ...(keys.length > 0 ? { keys } : {}) }]);
      return throwIfAnyFailed(answer)[0]!.configs;
    });
    const shown = entries
      .filter((e: ConfigEntry) => all || (!e.isDefault && e.source !== 4))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (ctx.json) {
      printJson({
        ...resource,
        configs: shown.map((e) => ({ ...e, sourceName: SOURCE_NAMES[e.source] ?? 'UNKNOWN' })),
      });
      return 0;
    }
    printTable(
      ['NAME', 'VALUE', 'SOURCE', 'READ-ONLY'],
      shown.map((e) => [
        e.name,
        e.isSensitive ? '(sensitive)' : (e.value ?? 'null'),
        SOURCE_NAMES[e.source] ?? String(e.source),
        e.readOnly,
      ]),
    );
    return 0;
  },
};

const alter: Command = {
  spec: {
    name: 'configs alter',
    args: '',
    summary: 'Set or delete config overrides of a topic or broker (IncrementalAlterConfigs).',
    options: {
      ...ENTITY_OPTIONS,
      'add-config': {
        type: 'string',
        value: 'K=V[,K=V]',
        multiple: true,
        help: 'set configs; a value with commas goes in brackets: cleanup.policy=[compact,delete]',
      },
      'delete-config': { type: 'string', value: 'K[,K]', multiple: true, help: 'remove overrides' },
      'validate-only': { type: 'boolean', help: 'ask the broker to validate without applying' },
    },
    positionals: { min: 0, max: 0 },
    examples: ['fluxo configs alter --topic orders --add-config retention.ms=3600000,cleanup.policy=[compact,delete]'],
    cluster: true,
  },
  async run(args) {
    const resource = resourceOf(args);
    const set = keyValues(args, 'add-config', true);
    const deleteKeys = names(args, 'delete-config');
    if (set.size === 0 && deleteKeys.length === 0) throw usageError(args, 'give --add-config and/or --delete-config');
    const ctx = contextOf(args);
    const validateOnly = boolOpt(args, 'validate-only') === true;
    await withAdmin(ctx, async (admin) =>
      throwIfAnyFailed(
        await admin.incrementalAlterConfigs(
          [
            {
              resource,
              ops: [
                ...[...set].map(([name, value]) => ({ name, op: 'set' as const, value })),
                ...deleteKeys.map((name) => ({ name, op: 'delete' as const })),
              ],
            },
          ],
          { validateOnly },
        ),
      ),
    );
    if (ctx.json) printJson({ ...resource, set: Object.fromEntries(set), deleted: deleteKeys, validateOnly });
    else
      process.stdout.write(
        `${validateOnly ? 'validated' : 'altered'} configs of ${resource.type} "${resource.name}"\n`,
      );
    return 0;
  },
};

export const configsGroup: CommandGroup = {
  name: 'configs',
  summary: 'Describe and alter topic and broker configs (like kafka-configs).',
  commands: { describe, alter },
};
