// Option parsing and help for every `fluxo` subcommand, on node's util.parseArgs.
import { parseArgs } from 'node:util';

/** Exit codes: 0 ok, 1 an error reported by the cluster (or I/O), 2 bad usage. */
export const EXIT_OK = 0;
export const EXIT_CLUSTER_ERROR = 1;
export const EXIT_USAGE = 2;

/** Bad input from the user: reported with the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder shown in help, e.g. N, KEY=VALUE. */
  value?: string;
  help: string;
  multiple?: boolean;
  short?: string;
}

export interface CommandSpec {
  /** Full command, e.g. "topics create". */
  name: string;
  /** Positional part of the usage line, e.g. "<topic>". */
  args: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional count allowed. */
  positionals: { min: number; max: number };
  examples: string[];
  /** Whether the command talks to a cluster (adds --bootstrap-server / --timeout-ms). */
  cluster: boolean;
}

/** The wait for the bootstrap server and for each cluster call; FLUXO_TIMEOUT_MS overrides it. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_BOOTSTRAP = 'localhost:9092';

const CLUSTER_OPTIONS: Record<string, OptionSpec> = {
  'bootstrap-server': {
    type: 'string',
    value: 'HOST:PORT[,...]',
    help: `brokers to bootstrap from (default $FLUXO_BOOTSTRAP or ${DEFAULT_BOOTSTRAP})`,
  },
  'timeout-ms': {
    type: 'string',
    value: 'MS',
    help: `bound on reaching the cluster and on each request (default ${DEFAULT_TIMEOUT_MS})`,
  },
};

const GENERAL_OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', help: 'print machine-readable JSON on stdout' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...(spec.cluster ? CLUSTER_OPTIONS : {}), ...GENERAL_OPTIONS };
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.help + (o.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

export function helpText(spec: CommandSpec): string {
  const lines = [`usage: fluxo ${spec.name}${spec.args ? ` ${spec.args}` : ''} [options]`, '', spec.summary, ''];
  if (Object.keys(spec.options).length > 0) lines.push('options:', ...optionLines(spec.options), '');
  lines.push('common options:', ...optionLines({ ...(spec.cluster ? CLUSTER_OPTIONS : {}), ...GENERAL_OPTIONS }), '');
  lines.push(spec.examples.length > 1 ? 'examples:' : 'example:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

export interface ParsedArgs {
  readonly spec: CommandSpec;
  readonly values: Record<string, OptionValue>;
  readonly positionals: string[];
  readonly help: boolean;
}

export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const help = helpText(spec);
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, o] of Object.entries(allOptions(spec))) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: { values: Record<string, OptionValue>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(argv, options),
      options,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!.replace(/\. To specify.*$/, ''), help);
  }
  const result: ParsedArgs = { spec, values: parsed.values, positionals: parsed.positionals, help: false };
  if (parsed.values.help === true) return { ...result, help: true };
  const n = parsed.positionals.length;
  if (n < spec.positionals.min) throw new UsageError(`missing ${spec.args || 'arguments'}`, help);
  if (n > spec.positionals.max)
    throw new UsageError(`unexpected argument "${parsed.positionals[spec.positionals.max]}"`, help);
  return result;
}

/** `--shift-by -2` as `--shift-by=-2`: parseArgs would take "-2" for an option. */
function joinNegativeNumbers(argv: readonly string[], options: Record<string, { type: string }>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && /^-\d+$/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

export function usageError(args: ParsedArgs, message: string): UsageError {
  return new UsageError(message, helpText(args.spec));
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolOpt(args: ParsedArgs, name: string): boolean | undefined {
  const v = args.values[name];
  return typeof v === 'boolean' ? v : undefined;
}

export function listOpt(args: ParsedArgs, name: string): string[] {
  const v = args.values[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
}

/** An integer option in [min, max], or undefined when absent. */
export function intOpt(args: ParsedArgs, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = stringOpt(args, name);
  if (raw === undefined) return undefined;
  return parseIntIn(args, `--${name}`, raw, min, max);
}

export function parseIntIn(args: ParsedArgs, what: string, raw: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(raw.trim())) throw usageError(args, `${what}: "${raw}" is not an integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw usageError(args, `${what}: ${raw} is outside [${min}, ${max}]`);
  return n;
}

/**
 * KEY=VALUE pairs. With `commaSeparated` (kafka-configs' --add-config) one option value may
 * hold several, split at commas outside square brackets; a bracketed value is a list whose
 * commas are kept: `cleanup.policy=[compact,delete]` sets "compact,delete".
 */
export function keyValues(args: ParsedArgs, name: string, commaSeparated = false): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of listOpt(args, name)) {
    const entries = commaSeparated ? splitOutsideBrackets(args, name, item) : [item];
    for (const entry of entries) {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw usageError(args, `--${name}: "${entry}" is not KEY=VALUE`);
      const value = entry.slice(eq + 1);
      const listed = commaSeparated && value.startsWith('[') && value.endsWith(']');
      out.set(entry.slice(0, eq).trim(), listed ? value.slice(1, -1) : value);
    }
  }
  return out;
}

/** "a=1,b=[x,y]" → ["a=1", "b=[x,y]"]; an unclosed or stray bracket is a usage error. */
function splitOutsideBrackets(args: ParsedArgs, name: string, text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']' && --depth < 0) break;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (depth !== 0) throw usageError(args, `--${name}: unbalanced [ ] in "${text}"`);
  parts.push(text.slice(start));
  return parts;
}

/** Names given by comma-separated or repeated options. */
export function names(args: ParsedArgs, name: string): string[] {
  return listOpt(args, name)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
