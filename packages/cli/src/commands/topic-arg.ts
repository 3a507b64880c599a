// The topic a command acts on: positional (`fluxo consume orders`) or Kafka's --topic.
import { type OptionSpec, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';

export const TOPIC_OPTION: Record<string, OptionSpec> = {
  topic: { type: 'string', value: 'NAME', help: 'the topic (or give it as the first argument)' },
};

export function topicsOf(args: ParsedArgs): string[] {
  const flag = stringOpt(args, 'topic');
  const topics = [...(flag === undefined ? [] : [flag]), ...args.positionals];
  if (topics.length === 0) throw usageError(args, 'missing topic name');
  for (const t of topics) if (t.trim() === '') throw usageError(args, 'empty topic name');
  return topics;
}

export function topicOf(args: ParsedArgs): string {
  const topics = topicsOf(args);
  if (topics.length > 1) throw usageError(args, `one topic expected, got ${topics.length}`);
  return topics[0]!;
}
