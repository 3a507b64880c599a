import { ConfigError } from './errors.js';

/** Settings every client (producer, consumer, admin) shares; names are Kafka's, camelCased. */
export interface ClientConfig {
  /** bootstrap.servers: "host:port" entries (array or comma-separated). */
  bootstrapServers: string | readonly string[];
  /** client.id */
  clientId?: string;
  /** request.timeout.ms (default 30000) */
  requestTimeoutMs?: number;
  /** socket.connection.setup.timeout.ms (default 10000) */
  socketConnectionSetupTimeoutMs?: number;
  /** reconnect.backoff.ms (default 50) */
  reconnectBackoffMs?: number;
  /** reconnect.backoff.max.ms (default 1000) */
  reconnectBackoffMaxMs?: number;
  /** retry.backoff.ms (default 100) */
  retryBackoffMs?: number;
  /** metadata.max.age.ms (default 300000) */
  metadataMaxAgeMs?: number;
  /** Largest response frame accepted, in bytes (default 100 MiB, like socket.request.max.bytes). */
  responseFrameBytesMax?: number;
}

export interface ResolvedClientConfig {
  bootstrapServers: { host: string; port: number }[];
  clientId: string;
  requestTimeoutMs: number;
  socketConnectionSetupTimeoutMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  retryBackoffMs: number;
  metadataMaxAgeMs: number;
  responseFrameBytesMax: number;
}

const INT32_MAX = 0x7fffffff;

/** Validates an integer setting in [min, max]; undefined takes the default. */
export function intSetting(key: string, value: unknown, fallback: number, min = 0, max = INT32_MAX): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigError(key, `expected an integer, got ${JSON.stringify(value)}`);
  }
  if (value < min || value > max) throw new ConfigError(key, `${value} is outside [${min}, ${max}]`);
  return value;
}

export function boolSetting(key: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function enumSetting<T extends string>(key: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(key, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Rejects keys the client does not know, so a typo is an error rather than a silent default. */
export function rejectUnknownKeys(config: object, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw new ConfigError(key, 'unknown setting');
  }
}

export const CLIENT_CONFIG_KEYS = [
  'bootstrapServers',
  'clientId',
  'requestTimeoutMs',
  'socketConnectionSetupTimeoutMs',
  'reconnectBackoffMs',
  'reconnectBackoffMaxMs',
  'retryBackoffMs',
  'metadataMaxAgeMs',
  'responseFrameBytesMax',
] as const;

export function parseBootstrapServers(value: unknown): { host: string; port: number }[] {
  if (value === undefined || value === null) throw new ConfigError('bootstrapServers', 'is required');
  const entries = (typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [])
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter((s) => s.length > 0);
  if (entries.length === 0) throw new ConfigError('bootstrapServers', 'needs at least one host:port');
  return entries.map((entry) => {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(entry);
    const port = match === null ? Number.NaN : Number(match[2]);
    if (match === null || port < 1 || port > 65535) {
      throw new ConfigError('bootstrapServers', `"${entry}" is not host:port`);
    }
    return { host: match[1]!, port };
  });
}

export function resolveClientConfig(config: ClientConfig): ResolvedClientConfig {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', 'expected an object');
  const clientId = config.clientId ?? 'fluxo';
  if (typeof clientId !== 'string') throw new ConfigError('clientId', 'expected a string');
  const reconnectBackoffMs = intSetting('reconnectBackoffMs', config.reconnectBackoffMs, 50);
  const resolved: ResolvedClientConfig = {
    bootstrapServers: parseBootstrapServers(config.bootstrapServers),
    clientId,
    requestTimeoutMs: intSetting('requestTimeoutMs', config.requestTimeoutMs, 30_000, 1),
    socketConnectionSetupTimeoutMs: intSetting(
      'socketConnectionSetupTimeoutMs',
      config.socketConnectionSetupTimeoutMs,
      10_000,
      1,
    ),
    reconnectBackoffMs,
    reconnectBackoffMaxMs: intSetting('reconnectBackoffMaxMs', config.reconnectBackoffMaxMs, 1000),
    retryBackoffMs: intSetting('retryBackoffMs', config.retryBackoffMs, 100),
    metadataMaxAgeMs: intSetting('metadataMaxAgeMs', config.metadataMaxAgeMs, 300_000),
    responseFrameBytesMax: intSetting('responseFrameBytesMax', config.responseFrameBytesMax, 100 * 1024 * 1024, 1024),
  };
  if (resolved.reconnectBackoffMaxMs < reconnectBackoffMs) {
    throw new ConfigError('reconnectBackoffMaxMs', 'must be at least reconnectBackoffMs');
  }
  return resolved;
}
