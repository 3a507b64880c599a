import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { parseProperties } from './properties.js';
import { settingSpec } from './settings.js';

/** FLUXO_* variables that are not broker settings (tooling), skipped when reading the environment. */
const NON_SETTING_ENV = new Set(['FLUXO_TEST_FILTER', 'FLUXO_LOG_LEVEL', 'FLUXO_LOG_FORMAT']);
const ENV_PREFIX = 'FLUXO_';

/** Reads a .properties file; an unreadable file stops start-up. */
export function readPropertiesFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('--config', `cannot read ${path}: ${(err as Error).message}`);
  }
  return parseProperties(text);
}

/**
 * Kafka's docker-image convention: upper snake case, `_` for `.`, `__` for `_`,
 * `___` for `-`; FLUXO_LOG_DIRS -> log.dirs.
 */
export function envNameToSetting(envName: string): string {
  return envName
    .slice(ENV_PREFIX.length)
    .toLowerCase()
    .split('___')
    .map((dashPart) =>
      dashPart
        .split('__')
        .map((part) => part.replace(/_/g, '.'))
        .join('_'),
    )
    .join('-');
}

/** The FLUXO_* settings in `env`; an unknown name is an error like any other unknown setting. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(ENV_PREFIX) || value === undefined || NON_SETTING_ENV.has(key)) continue;
    const name = envNameToSetting(key);
    if (settingSpec(name) === undefined) throw new ConfigError(name, `unknown setting (from environment ${key})`);
    out.set(name, value);
  }
  return out;
}

/** `key=value` pairs from --override flags. */
export function parseOverride(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ConfigError('--override', `expected key=value, got "${arg}"`);
  return [arg.slice(0, eq).trim(), arg.slice(eq + 1)];
}
