// `fluxo topics list|describe|create|delete|alter`: kafka-topics on the Admin client.
import { type Admin, type ConfigEntry, type TopicDescription, throwIfAnyFailed } from '@fluxo/client';
import { boolOpt, intOpt, keyValues } from '../cli/args.js';
import type { Command, CommandGroup } from '../cli/command.js';
import { contextOf, withAdmin } from '../cli/context.js';
import { printJson, printTable } from '../cli/output.js';
import { TOPIC_OPTION, topicOf, topicsOf } from './topic-arg.js';
import { alterTopicCommand } from './topics-alter.js';
import { deleteTopicsCommand } from './topics-delete.js';

/** Kafka's ConfigSource.DYNAMIC_TOPIC_CONFIG: a per-topic override. */
const SOURCE_TOPIC_OVERRIDE = 1;

const list: Command = {
  spec: {
    name: 'topics list',
    args: '',
    summary: 'List topic names.',
    options: { 'include-internal': { type: 'boolean', help: 'also list internal topics' } },
    positionals: { min: 0, max: 0 },
    examples: ['fluxo topics list --bootstrap-server localhost:9092'],
    cluster: true,
  },
  async run(args) {
    const ctx = contextOf(args);
    const names = await withAdmin(ctx, (admin) =>
      admin.listTopics({ includeInternal: boolOpt(args, 'include-internal') === true }),
    );
    if (ctx.json) printJson(names);
    else if (names.length > 0) process.stdout.write(`${names.join('\n')}\n`);
    return 0;
  },
};

interface PartitionView {
  partition: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  logStartOffset: bigint;
  logEndOffset: bigint;
}

interface TopicView {
  name: string;
  topicId: string;
  partitionCount: number;
  replicationFactor: number;
  configs: Record<string, string | null>;
  partitions: PartitionView[];
}

async function describeTopics(admin: Admin, names: string[]): Promise<TopicView[]> {
  const descriptions: TopicDescription[] = await admin.describeTopics(names);
  const partitions = descriptions.flatMap((d) => d.partitions.map((p) => ({ topic: d.name, partition: p.partition })));
  const [earliest, latest, configs] = await Promise.all([
    admin.listOffsets(partitions.map((p) => ({ ...p, spec: 'earliest' as const }))),
    admin.listOffsets(partitions.map((p) => ({ ...p, spec: 'latest' as const }))),
    admin.describeConfigs(names.map((name) => ({ type: 'topic' as const, name }))),
  ]);
  const offsetOf = (answers: typeof earliest, topic: string, partition: number) =>
    answers.find((a) => a.topic === topic && a.partition === partition)?.offset ?? -1n;
  return descriptions.map((d) => ({
    name: d.name,
    topicId: d.topicId,
    partitionCount: d.partitions.length,
    replicationFactor: d.partitions[0]?.replicas.length ?? 0,
    configs: Object.fromEntries(
      (throwIfAnyFailed(configs).find((r) => r.name === d.name)?.configs ?? [])
        .filter((c: ConfigEntry) => c.source === SOURCE_TOPIC_OVERRIDE)
        .map((c) => [c.name, c.isSensitive ? null : c.value]),
    ),
    partitions: d.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicas,
      isr: p.isr,
      logStartOffset: offsetOf(earliest, d.name, p.partition),
      logEndOffset: offsetOf(latest, d.name, p.partition),
    })),
  }));
}

const describe: Command = {
  spec: {
    name: 'topics describe',
    args: '[topic...]',
    summary:
      'Show partitions (leader, replicas, ISR, log start/end offsets) and config overrides; all topics when none is named.',
    options: TOPIC_OPTION,
    positionals: { min: 0, max: 1000 },
    examples: ['fluxo topics describe orders'],
    cluster: true,
  },
  async run(args) {
    const ctx = contextOf(args);
    const views = await withAdmin(ctx, async (admin) => {
      const named = args.positionals.length > 0 || args.values.topic !== undefined ? topicsOf(args) : null;
      return describeTopics(admin, named ?? (await admin.listTopics()));
    });
    if (ctx.json) {
      printJson(views);
      return 0;
    }
    printTable(
      ['TOPIC', 'PARTITIONS', 'REPLICATION-FACTOR', 'TOPIC-ID', 'CONFIGS'],
      views.map((v) => [
        v.name,
        v.partitionCount,
        v.replicationFactor,
        v.topicId,
        Object.entries(v.configs)
          .map(([k, val]) => `${k}=${val ?? '(sensitive)'}`)
          .join(',') || '-',
      ]),
    );
    process.stdout.write('\n');
    printTable(
      ['TOPIC', 'PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START-OFFSET', 'LOG-END-OFFSET'],
      views.flatMap((v) =>
        v.partitions.map((p) => [
          v.name,
          p.partition,
          p.leader,
          p.replicas.join(','),
          p.isr.join(','),
          p.logStartOffset,
          p.logEndOffset,
        ]),
      ),
    );
    return 0;
  },
};

function isError(err: unknown, name: string): boolean {
  return err instanceof Error && err.name === name;
}

const create: Command = {
  spec: {
    name: 'topics create',
    args: '<topic>',
    summary: 'Create a topic.',
    options: {
      ...TOPIC_OPTION,
      partitions: { type: 'string', value: 'N', help: "partition count (default: the broker's num.partitions)" },
      'replication-factor': {
        type: 'string',
        value: 'N',
        help: "replicas per partition (default: the broker's default.replication.factor)",
      },
      config: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'a topic config override' },
      'if-not-exists': { type: 'boolean', help: 'succeed when the topic already exists' },
    },
    positionals: { min: 0, max: 1 },
    examples: ['fluxo topics create orders --partitions 3 --replication-factor 1 --config retention.ms=86400000'],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const partitions = intOpt(args, 'partitions', 1, 1_000_000) ?? -1;
    const replicationFactor = intOpt(args, 'replication-factor', 1, 32_767) ?? -1;
    const configs = Object.fromEntries(keyValues(args, 'config'));
    const ctx = contextOf(args);
    let created = true;
    await withAdmin(ctx, async (admin) => {
      try {
        await admin.createTopics([{ topic, numPartitions: partitions, replicationFactor, configs }], {
          timeoutMs: ctx.timeoutMs,
        });
      } catch (err) {
        if (!(boolOpt(args, 'if-not-exists') && isError(err, 'TOPIC_ALREADY_EXISTS'))) throw err;
        created = false;
      }
    });
    if (ctx.json) printJson({ topic, created });
    else process.stdout.write(created ? `created topic "${topic}"\n` : `topic "${topic}" already exists\n`);
    return 0;
  },
};

export const topicsGroup: CommandGroup = {
  name: 'topics',
  summary: 'Create, list, describe, alter and delete topics (like kafka-topics).',
  commands: { list, describe, create, delete: deleteTopicsCommand, alter: alterTopicCommand },
};
