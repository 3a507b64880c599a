import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CLI entry point, resolved from this compiled file (packages/client/dist/test/integration/). */
export const CLI_MAIN = fileURLToPath(new URL('../../../../cli/dist/src/main.js', import.meta.url));

const START_TIMEOUT_MS = 15_000;

function withoutFluxoVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('FLUXO_')));
}

/**
 * A Fluxo broker in a child process (tests may not import the broker package):
 * a fresh temp log dir, port 0, and the bound port read from its start-up line.
 */
export class BrokerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  static available(): boolean {
    return existsSync(CLI_MAIN);
  }

  /** Starts a broker; pass the dataDir and port of a stopped one to restart it. */
  static async start(
    reuse?: { dataDir: string; port: number },
    overrides: readonly string[] = [],
  ): Promise<BrokerProcess> {
    const dataDir = reuse?.dataDir ?? mkdtempSync(join(tmpdir(), 'fluxo-client-test-'));
    const listener = `listeners=PLAINTEXT://127.0.0.1:${reuse?.port ?? 0}`;
    const child = spawn(
      process.execPath,
      [
        CLI_MAIN,
        'start',
        '--override',
        `log.dirs=${dataDir}`,
        '--override',
        listener,
        ...overrides.flatMap((o) => ['--override', o]),
      ],
      // The broker reads FLUXO_* variables as settings: a test's own (FLUXO_TEST_FILTER, seeds) must not reach it.
      { stdio: ['ignore', 'pipe', 'pipe'], env: withoutFluxoVariables(process.env) },
    );
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new Error(`broker did not start in ${START_TIMEOUT_MS} ms:\n${output}`)),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listener=PLAINTEXT:\/\/[^:\s]+:(\d+)/.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      function fail(err: Error): void {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      }
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => fail(new Error(`broker exited with ${code}:\n${output}`)));
    });
    child.stdout!.resume();
    child.stderr!.resume();
    return new BrokerProcess(child, dataDir, port);
  }

  /** Kills the process (a crash, not a clean shutdown) and keeps its data. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
