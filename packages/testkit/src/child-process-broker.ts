import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { splitHostPort } from './in-process-broker.js';
import { makeTempDir } from './temp-dir.js';

const ENTRY = fileURLToPath(new URL('./broker-process-main.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;

export interface BrokerProcessOptions {
  readonly dataDir?: string;
  /** Broker settings by Kafka name, passed as --override flags. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Port to bind; 0 (default) picks a free one. Restart tests pass the old port. */
  readonly port?: number;
}

export interface BrokerProcess {
  readonly bootstrap: string;
  readonly port: number;
  readonly dataDir: string;
  readonly pid: number;
  /** Everything the broker wrote to stderr so far. */
  logs(): string;
  /** Sends a signal (SIGKILL for crash tests) and resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `fluxo start` as a child process; resolves once it listens, with the address it advertises. */
export function startBrokerProcess(options: BrokerProcessOptions = {}): Promise<BrokerProcess> {
  const dataDir = options.dataDir ?? makeTempDir();
  const args = [ENTRY, '--data-dir', dataDir, '--override', `listeners=PLAINTEXT://127.0.0.1:${options.port ?? 0}`];
  for (const [k, v] of Object.entries(options.settings ?? {})) args.push('--override', `${k}=${v}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`broker did not start within ${START_TIMEOUT_MS} ms:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr += text;
      const match = /msg="Fluxo [^"]* started".* advertised=(\S+)/.exec(stderr);
      if (match !== null) {
        clearTimeout(timer);
        const [, port] = splitHostPort(match[1]!);
        resolve(makeHandle(child, match[1]!, port, dataDir, () => stderr, exited));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited with ${code} before listening:\n${stderr}`));
    });
  });
}

function makeHandle(
  child: ChildProcess,
  bootstrap: string,
  port: number,
  dataDir: string,
  logs: () => string,
  exited: Promise<number | null>,
): BrokerProcess {
  return {
    bootstrap,
    port,
    dataDir,
    pid: child.pid!,
    logs,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
