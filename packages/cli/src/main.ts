#!/usr/bin/env node
// The `fluxo` command. Subcommands: start (the broker). Topics, produce,
// consume and perf tools come with the client issue.
import { FLUXO_VERSION, runBroker } from '@fluxo/broker';

const USAGE = `usage: fluxo <command> [options]

commands:
  start      run a single-node broker (fluxo start --help for options)
  version    print the version`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      await runBroker(rest);
      return;
    case 'version':
    case '--version':
      process.stdout.write(`${FLUXO_VERSION}\n`);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`fluxo: unknown command "${command}"\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`fluxo: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
