// `produce --key-separator`: a line is KEY SEP VALUE. A line without the separator is an
// input error, named by its line number (Kafka: "No key separator found on line number N").
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type ParsedArgs, usageError } from '../cli/args.js';

export class MissingSeparatorError extends Error {
  constructor(
    readonly lineNumber: number,
    separator: string,
  ) {
    super(`line ${lineNumber}: no key separator "${separator}" found`);
    this.name = 'MissingSeparatorError';
  }
}

export function splitKey(
  line: string,
  separator: string | undefined,
  lineNumber: number,
): { key: Buffer | undefined; value: string } {
  if (separator === undefined) return { key: undefined, value: line };
  const at = line.indexOf(separator);
  if (at < 0) throw new MissingSeparatorError(lineNumber, separator);
  return { key: Buffer.from(line.slice(0, at)), value: line.slice(at + separator.length) };
}

/** A --file is read once before sending: a bad line is then a usage error and nothing is written. */
export async function checkFileSeparators(args: ParsedArgs, file: string, separator: string): Promise<void> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (!line.includes(separator)) {
      lines.close();
      throw usageError(args, `${file}: line ${n}: no key separator "${separator}" found (nothing was sent)`);
    }
  }
}
