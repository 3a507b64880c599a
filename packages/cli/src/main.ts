#!/usr/bin/env node
// The `fluxo` command: `start` runs the broker; the other commands are Kafka's
// command-line tools (topics, groups, configs, console producer/consumer, perf tests)
// on @fluxo/client, against any Kafka-compatible cluster.
import { EXIT_USAGE, UsageError } from './cli/args.js';
import { type Command, type CommandGroup, runCommand, runGroup } from './cli/command.js';
import { reportError } from './cli/exit-codes.js';
import { configsGroup } from './commands/configs.js';
import { consumeCommand } from './commands/consume.js';
import { groupsGroup } from './commands/groups.js';
import { perfGroup } from './commands/perf.js';
import { produceCommand } from './commands/produce.js';
import { topicsGroup } from './commands/topics.js';

const GROUPS: Record<string, CommandGroup> = {
  topics: topicsGroup,
  groups: groupsGroup,
  configs: configsGroup,
  perf: perfGroup,
};
const COMMANDS: Record<string, Command> = { produce: produceCommand, consume: consumeCommand };

const USAGE = `usage: fluxo <command> [options]

commands:
  start      run a single-node broker (fluxo start --help for options)
  topics     list, describe, create, alter, delete topics
  groups     list, describe (lag), delete consumer groups; reset their offsets
  configs    describe and alter topic and broker configs
  produce    send lines of stdin or a file as records
  consume    print records (from beginning / offset / time, alone or in a group)
  perf       producer and consumer throughput/latency tests
  version    print the version

Every command takes --help (with an example), --json, and --bootstrap-server
(default $FLUXO_BOOTSTRAP or localhost:9092). Exit codes: 0 ok, 1 error from the
cluster (or unreachable cluster), 2 usage error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      // Loaded only here: the broker is a large import other commands never need.
      const { runBroker } = await import('@fluxo/broker');
      await runBroker(rest);
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    case 'version':
    case '--version': {
      const { FLUXO_VERSION } = await import('@fluxo/broker');
      process.stdout.write(`${FLUXO_VERSION}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
  }
  const group = GROUPS[command];
  if (group !== undefined) return runGroup(group, rest);
  const leaf = COMMANDS[command];
  if (leaf !== undefined) return runCommand(leaf, rest);
  process.stderr.write(`fluxo: unknown command "${command}"\n${USAGE}\n`);
  return EXIT_USAGE;
}

/** Output piped into a reader that quit (`fluxo consume t | head`) is a normal end. */
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    if (argv[0] === 'start') {
      // The broker keeps running until a signal; leave its exit code as runBroker set it.
      return;
    }
    // Exit now: a client's lingering socket or timer must not keep a finished command alive.
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    if (argv[0] === 'start' && !(err instanceof UsageError)) {
      process.stderr.write(`fluxo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    }
    const code = reportError(err);
    process.stdout.write('', () => process.exit(code));
  },
);
