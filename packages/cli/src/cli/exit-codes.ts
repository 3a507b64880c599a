// Maps whatever a command threw to a message on stderr (text, or a JSON object with --json)
// and an exit code.
import { EXIT_CLUSTER_ERROR, EXIT_USAGE, UsageError } from './args.js';
import { foreignReplyMessage } from './foreign-reply.js';
import { red, toJson } from './output.js';

/** The cluster could not be reached in time; names the addresses tried. */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

/** A refusal or failure the command itself reports (e.g. resetting offsets of an active group): exit 1. */
export class CommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/** Kafka's errors, client or broker, carry `isKafkaError` (duck-typed: survives duplicate installs). */
export function isKafkaError(err: unknown): err is Error & { name: string } {
  return err instanceof Error && (err as { isKafkaError?: unknown }).isKafkaError === true;
}

function causeText(err: Error): string {
  const cause = err.cause;
  return cause instanceof Error ? `: ${cause.message}` : '';
}

export interface ErrorReport {
  exitCode: number;
  /** UsageError, UnreachableError, CommandError, a Kafka error name (UNKNOWN_TOPIC_OR_PARTITION), or the error's name. */
  name: string;
  message: string;
  /** The command's help, for usage errors. */
  help?: string;
  /** The stack of an unexpected error (a bug): shown to people, not in JSON. */
  stack?: string;
}

export function describeError(err: unknown): ErrorReport {
  if (err instanceof UsageError) return { exitCode: EXIT_USAGE, name: err.name, message: err.message, help: err.help };
  const foreign = foreignReplyMessage(err);
  if (foreign !== null) return { exitCode: EXIT_CLUSTER_ERROR, name: 'UnreachableError', message: foreign };
  if (isKafkaError(err) && err.name === 'CONFIG_EXCEPTION') {
    return { exitCode: EXIT_USAGE, name: err.name, message: err.message };
  }
  if (err instanceof UnreachableError || err instanceof CommandError) {
    return { exitCode: EXIT_CLUSTER_ERROR, name: err.name, message: `${err.message}${causeText(err)}` };
  }
  if (isKafkaError(err))
    return { exitCode: EXIT_CLUSTER_ERROR, name: err.name, message: `${err.message}${causeText(err)}` };
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && err instanceof Error) {
    // File and stream errors (ENOENT, EPIPE...): the user's environment, not a bug.
    return { exitCode: EXIT_CLUSTER_ERROR, name: code, message: err.message };
  }
  if (!(err instanceof Error)) return { exitCode: EXIT_CLUSTER_ERROR, name: 'Error', message: String(err) };
  return {
    exitCode: EXIT_CLUSTER_ERROR,
    name: err.name,
    message: err.message,
    ...(err.stack ? { stack: err.stack } : {}),
  };
}

/** Human text: what a person reads. Kafka errors are prefixed with their name. */
function errorText(report: ErrorReport, err: unknown): string {
  if (report.help !== undefined) return `${report.message}\n\n${report.help}`;
  if (report.stack !== undefined) return report.stack;
  const named = isKafkaError(err) && report.name !== 'CONFIG_EXCEPTION' && foreignReplyMessage(err) === null;
  return named ? `${report.name}: ${report.message}` : report.message;
}

/** Prints the error (one JSON object on stderr with `json`) and returns the process exit code for it. */
export function reportError(err: unknown, json = false): number {
  const report = describeError(err);
  if (json) process.stderr.write(`${toJson({ error: report.name, message: report.message })}\n`);
  else process.stderr.write(`${red('fluxo:')} ${errorText(report, err)}\n`);
  return report.exitCode;
}
