import { ConfigError } from './config-error.js';
import { parseOverride, readPropertiesFile } from './config-sources.js';

export interface StartArgs {
  /** Explicit settings from flags (--config file contents are returned separately). */
  readonly fileSettings: Map<string, string>;
  readonly flagSettings: Map<string, string>;
  /** --port: replaces the listener's port after everything else is merged. */
  readonly port: number | null;
  readonly help: boolean;
}

export const START_USAGE = `usage: fluxo start [--config server.properties] [--override key=value]... [--data-dir DIR] [--port N]

  --config PATH        Kafka-style .properties file (server.properties)
  --override KEY=VALUE set one setting (repeatable; wins over the file and FLUXO_* variables)
  --data-dir DIR       shortcut for --override log.dirs=DIR
  --port N             shortcut that changes the listener's port
Environment: FLUXO_<SETTING> with dots as underscores (FLUXO_LOG_DIRS=/var/fluxo sets log.dirs).`;

/** Parses `fluxo start` flags; unknown flags stop start-up. */
export function parseStartArgs(argv: readonly string[]): StartArgs {
  let fileSettings = new Map<string, string>();
  const flagSettings = new Map<string, string>();
  let port: number | null = null;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? splitInline(arg) : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new ConfigError(flag, 'needs a value');
      return next;
    };
    switch (flag) {
      case '--config':
        fileSettings = readPropertiesFile(value());
        break;
      case '--override': {
        const [k, v] = parseOverride(value());
        flagSettings.set(k, v);
        break;
      }
      case '--data-dir':
        flagSettings.set('log.dirs', value());
        break;
      case '--port': {
        const text = value();
        port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) throw new ConfigError('--port', `not a port: ${text}`);
        break;
      }
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new ConfigError(arg, 'unknown flag (see fluxo start --help)');
    }
  }
  return { fileSettings, flagSettings, port, help };
}

function splitInline(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  const flag = arg.slice(0, eq);
  // --override key=value keeps its own '=' (only --override=key=value is inline).
  if (flag === '--override' || flag === '--config' || flag === '--data-dir' || flag === '--port') {
    return [flag, arg.slice(eq + 1)];
  }
  return [arg, ''];
}
