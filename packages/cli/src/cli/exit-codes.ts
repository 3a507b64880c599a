// Maps whatever a command threw to a message on stderr and an exit code.
import { EXIT_CLUSTER_ERROR, EXIT_USAGE, UsageError } from './args.js';
import { red } from './output.js';

/** The cluster could not be reached in time; names the addresses tried. */
export class UnreachableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnreachableError';
  }
}

/** A refusal the command itself reports (e.g. resetting offsets of an active group): exit 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Kafka's errors, client or broker, carry `isKafkaError` (duck-typed: survives duplicate installs). */
function isKafkaError(err: unknown): err is Error & { name: string } {
  return err instanceof Error && (err as { isKafkaError?: unknown }).isKafkaError === true;
}

function causeText(err: Error): string {
  const cause = err.cause;
  return cause instanceof Error ? `: ${cause.message}` : '';
}

/** Prints the error and returns the process exit code for it. */
export function reportError(err: unknown): number {
  const prefix = red('fluxo:');
  if (err instanceof UsageError) {
    process.stderr.write(`${prefix} ${err.message}\n\n${err.help}\n`);
    return EXIT_USAGE;
  }
  if (isKafkaError(err) && err.name === 'CONFIG_EXCEPTION') {
    process.stderr.write(`${prefix} ${err.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UnreachableError || err instanceof CommandError) {
    process.stderr.write(`${prefix} ${err.message}${causeText(err)}\n`);
    return EXIT_CLUSTER_ERROR;
  }
  if (isKafkaError(err)) {
    process.stderr.write(`${prefix} ${err.name}: ${err.message}${causeText(err)}\n`);
    return EXIT_CLUSTER_ERROR;
  }
  const code = (err as NodeJS.ErrnoException)?.code;
  if (typeof code === 'string' && err instanceof Error) {
    // File and stream errors (ENOENT, EPIPE...): the user's environment, not a bug.
    process.stderr.write(`${prefix} ${err.message}\n`);
    return EXIT_CLUSTER_ERROR;
  }
  process.stderr.write(`${prefix} ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT_CLUSTER_ERROR;
}
