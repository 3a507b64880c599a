import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BrokerConfig } from './config/broker-config.js';
import { parseStartArgs, START_USAGE } from './config/cli-args.js';
import { ConfigError } from './config/config-error.js';
import { settingsFromEnv } from './config/config-sources.js';
import { loadBrokerConfig } from './config/load-config.js';
import { createLogger, type Logger } from './log/logger.js';
import { BrokerServer } from './server.js';

export const FLUXO_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Merges --config file, FLUXO_* environment and flags (in that order of precedence, lowest first). */
export function configFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): BrokerConfig | 'help' {
  const args = parseStartArgs(argv);
  if (args.help) return 'help';
  const layers = [args.fileSettings, settingsFromEnv(env), args.flagSettings];
  if (args.port !== null) {
    const merged = loadBrokerConfig(layers);
    const listeners = merged.listeners
      .split(',')
      .map((l) => (l.trim().startsWith('CONTROLLER') ? l : l.replace(/:\d+$/, `:${args.port}`)))
      .join(',');
    layers.push(new Map([['listeners', listeners]]));
  }
  return loadBrokerConfig(layers);
}

/**
 * `fluxo start`: one process, combined broker + controller. Prints one start-up
 * line (version, listener, data dir, time to listening) and shuts down
 * gracefully on SIGINT/SIGTERM; a second signal exits at once.
 */
export async function runBroker(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<BrokerServer | null> {
  const bootStartedMs = performance.now();
  const logger = createLogger();
  let config: BrokerConfig | 'help';
  try {
    config = configFromArgs(argv, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fluxo: ${err.message}\n`);
      process.exitCode = 2;
      return null;
    }
    throw err;
  }
  if (config === 'help') {
    process.stdout.write(`${START_USAGE}\n`);
    return null;
  }
  let server: BrokerServer;
  try {
    server = await BrokerServer.start({ config, logger });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const { host, port } = config.listener;
      process.stderr.write(`fluxo: cannot listen on ${host}:${port} (listeners): ${code}\n`);
      process.exitCode = 1;
      return null;
    }
    throw err;
  }
  // Handlers first: whoever reads the start-up line may signal at once.
  installSignalHandlers(server, logger);
  logger.info(`Fluxo ${FLUXO_VERSION} started`, {
    version: FLUXO_VERSION,
    nodeId: config.nodeId,
    clusterId: server.services.clusterId,
    listener: `PLAINTEXT://${config.listener.host}:${server.port}`,
    advertised: server.bootstrap,
    dataDir: resolve(config.logDirs[0]!),
    topics: server.services.topics.list().length,
    // Since process start (includes loading the code), and since the code was loaded.
    startupMs: Math.round(performance.now()),
    bootMs: Math.round(performance.now() - bootStartedMs),
  });
  return server;
}

function installSignalHandlers(server: BrokerServer, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) {
      logger.warn('second signal: exiting without a clean shutdown', { signal });
      process.exit(1);
    }
    signalled = true;
    logger.info('signal received', { signal });
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('shutdown failed', { err: String(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
