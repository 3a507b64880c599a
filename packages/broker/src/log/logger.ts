/**
 * The broker's one logger: logfmt lines (`ts=… level=… msg="…" key=value`) on
 * stderr, so stdout stays free for tools. Level from FLUXO_LOG_LEVEL
 * (debug|info|warn|error, default info).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | bigint | null | undefined>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  fields?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const envLevel = process.env.FLUXO_LOG_LEVEL as LogLevel | undefined;
  const level = options.level ?? (envLevel !== undefined && envLevel in RANK ? envLevel : 'info');
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return makeLogger(RANK[level], write, options.fields ?? {});
}

function makeLogger(minRank: number, write: (line: string) => void, base: LogFields): Logger {
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (RANK[level] < minRank) return;
    let line = `ts=${new Date().toISOString()} level=${level} msg=${quote(msg)}`;
    for (const [k, v] of Object.entries({ ...base, ...fields })) {
      if (v !== undefined) line += ` ${k}=${quote(String(v))}`;
    }
    write(`${line}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => makeLogger(minRank, write, { ...base, ...fields }),
  };
}

function quote(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** A logger that drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = makeLogger(Number.POSITIVE_INFINITY, () => {}, {});
