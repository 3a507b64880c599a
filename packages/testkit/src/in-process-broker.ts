import { BrokerServer, createLogger, type Logger, loadBrokerConfig, silentLogger } from '@fluxo/broker';
import { makeTempDir, removeDir } from './temp-dir.js';

export interface TestBrokerOptions {
  /** Broker settings by Kafka name (log.dirs and listeners are filled in unless given). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Reuse a data dir (restart tests); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  /** Log to stderr instead of staying silent (FLUXO_TEST_LOGS=1 does the same). */
  readonly verbose?: boolean;
}

export interface TestBroker {
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly server: BrokerServer;
  /** Graceful stop; removes the data dir unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Starts a broker in this process on a free port with a temp data dir. */
export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? makeTempDir();
  const settings = new Map<string, string>([
    ['log.dirs', dataDir],
    ['listeners', 'PLAINTEXT://127.0.0.1:0'],
    ...Object.entries(options.settings ?? {}),
  ]);
  const logger: Logger = options.verbose || process.env.FLUXO_TEST_LOGS === '1' ? createLogger() : silentLogger;
  const server = await BrokerServer.start({ config: loadBrokerConfig([settings]), logger });
  const [host, port] = splitHostPort(server.bootstrap);
  return {
    bootstrap: server.bootstrap,
    host,
    port,
    dataDir,
    server,
    async stop(stopOptions = {}) {
      await server.stop();
      if (!stopOptions.keepData && options.dataDir === undefined) removeDir(dataDir);
    },
  };
}

export function splitHostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}
