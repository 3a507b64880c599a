#!/usr/bin/env node
// The `fluxo` command: `start` runs the broker; the other commands are Kafka's
// command-line tools (topics, groups, configs, console producer/consumer, perf tests)
// on @fluxo/client, against any Kafka-compatible cluster.
import { EXIT_USAGE, UsageError } from './cli/args.js';
import { type Command, type CommandGroup, runCommand, runGroup } from './cli/command.js';
import { reportError } from './cli/exit-codes.js';
import { printJson } from './cli/output.js';
import { installStdoutClosedHandler } from './cli/stdout-closed.js';
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
cluster (or unreachable cluster), 2 usage error, 130 a perf test cut short by Ctrl-C.`;

/** `fluxo start --help` is the broker's own text; these follow it, as every command has an example. */
const START_EXAMPLES = `
examples:
  fluxo start --data-dir /tmp/fluxo --port 9092
  fluxo start --config server.properties --override num.partitions=3`;

/** Whether the command line asks for JSON: errors are then reported as JSON too. */
function jsonRequested(argv: readonly string[]): boolean {
  return argv.includes('--json');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start': {
      // Loaded only here: the broker is a large import other commands never need.
      const { configFromArgs, runBroker } = await import('@fluxo/broker');
      const help = (() => {
        try {
          return configFromArgs(rest, process.env) === 'help';
        } catch {
          return false; // runBroker reports the problem
        }
      })();
      await runBroker(rest);
      if (help) process.stdout.write(`${START_EXAMPLES}\n`);
      return typeof process.exitCode === 'number' ? process.exitCode : 0;
    }
    case 'version':
    case '--version': {
      const { FLUXO_VERSION } = await import('@fluxo/broker');
      if (jsonRequested(rest)) printJson({ version: FLUXO_VERSION });
      else process.stdout.write(`${FLUXO_VERSION}\n`);
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

installStdoutClosedHandler();

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
    const code = reportError(err, jsonRequested(argv));
    process.stdout.write('', () => process.exit(code));
  },
);
