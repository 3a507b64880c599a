// Commands and command groups, and the dispatch from argv to one of them.
import { type CommandSpec, EXIT_OK, helpText, type ParsedArgs, parseCommand, UsageError } from './args.js';

export interface Command {
  readonly spec: CommandSpec;
  /** Resolves to the exit code (0 when nothing is returned). */
  run(args: ParsedArgs): Promise<number | undefined>;
}

export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: Record<string, Command>;
}

export function groupHelp(group: CommandGroup): string {
  const entries = Object.entries(group.commands);
  const width = Math.max(...entries.map(([name]) => name.length));
  return [
    `usage: fluxo ${group.name} <command> [options]`,
    '',
    group.summary,
    '',
    'commands:',
    ...entries.map(([name, c]) => `  ${name.padEnd(width)}  ${c.spec.summary}`),
    '',
    `fluxo ${group.name} <command> --help shows a command's options and an example.`,
  ].join('\n');
}

export async function runCommand(command: Command, argv: readonly string[]): Promise<number> {
  const args = parseCommand(command.spec, argv);
  if (args.help) {
    process.stdout.write(`${helpText(command.spec)}\n`);
    return EXIT_OK;
  }
  return (await command.run(args)) ?? EXIT_OK;
}

export async function runGroup(group: CommandGroup, argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${groupHelp(group)}\n`);
    return EXIT_OK;
  }
  if (name === undefined) throw new UsageError(`${group.name}: missing command`, groupHelp(group));
  const command = group.commands[name];
  if (command === undefined) {
    throw new UsageError(`${group.name}: unknown command "${name}"`, groupHelp(group));
  }
  return runCommand(command, rest);
}
