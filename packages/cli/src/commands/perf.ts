// `fluxo perf produce|consume`: kafka-producer-perf-test and kafka-consumer-perf-test.
import { intOpt, type ParsedArgs, usageError } from '../cli/args.js';
import type { CommandGroup } from '../cli/command.js';
import { type Context, withAdmin } from '../cli/context.js';
import { perfConsumeCommand } from './perf-consume.js';
import { perfProduceCommand } from './perf-produce.js';

/** A record count (--num-records / --messages) and/or --duration-ms; unbounded ones are infinite. */
export function limitsOf(args: ParsedArgs, countFlag: string): { records: number; durationMs: number } {
  const records = intOpt(args, countFlag, 1);
  const durationMs = intOpt(args, 'duration-ms', 1);
  if (records === undefined && durationMs === undefined)
    throw usageError(args, `give --${countFlag} and/or --duration-ms`);
  return { records: records ?? Number.POSITIVE_INFINITY, durationMs: durationMs ?? Number.POSITIVE_INFINITY };
}

/** Partitions of the topic; also proves the topic exists before the clock starts. */
export async function perfPartitionsOf(ctx: Context, topic: string): Promise<number[]> {
  return withAdmin(ctx, async (admin) => {
    const [d] = await admin.describeTopics([topic]);
    return d!.partitions.map((p) => p.partition);
  });
}

export const perfGroup: CommandGroup = {
  name: 'perf',
  summary: 'Throughput and latency tests (like kafka-producer-perf-test and kafka-consumer-perf-test).',
  commands: { produce: perfProduceCommand, consume: perfConsumeCommand },
};
