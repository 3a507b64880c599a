// Runs the built `fluxo` binary as a child process, and a broker (`fluxo start`) to run it against.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Leave NO_COLOR unset (tests otherwise set it, so no output depends on the runner's terminal). */
  colour?: boolean;
}

/** The environment of a `fluxo` run: no stray FLUXO_* settings, NO_COLOR unless colour is wanted. */
export function fluxoEnv(options: Pick<RunOptions, 'env' | 'colour'> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  if (options.colour) delete env.NO_COLOR;
  delete env.FLUXO_BOOTSTRAP;
  delete env.FLUXO_TIMEOUT_MS;
  return Object.assign(env, options.env);
}

/** `fluxo ...args`, with FLUXO_BOOTSTRAP unset unless given, so tests never reach a stray local broker. */
export function fluxo(args: readonly string[], options: RunOptions = {}): Promise<Result> {
  const started = performance.now();
  const env = fluxoEnv(options);
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}

/** A long-running `fluxo` (consume that follows); read its output as it comes. */
export interface Running {
  child: ChildProcess;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Closes the read end of its stdout, as `| head` does when it has read enough. */
  closeStdout(): void;
  /** Resolves with the result once the process ends by itself. */
  exited(): Promise<Result>;
  stop(signal?: NodeJS.Signals): Promise<Result>;
}

export function fluxoRunning(args: readonly string[]): Running {
  const started = performance.now();
  const env = fluxoEnv();
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
    for (const l of listeners) l();
  });
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const result = async () => ({ code: await closed, stdout, stderr, elapsedMs: performance.now() - started });
  return {
    child,
    output: () => stdout,
    closeStdout: () => child.stdout!.destroy(),
    exited: result,
    waitFor: (pattern, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} in output:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGINT') => {
      child.kill(signal);
      return result();
    },
  };
}

export interface Broker {
  readonly bootstrap: string;
  /** The broker's log.dirs: partition directories are <topic>-<partition>. */
  readonly dataDir: string;
  /** ["--bootstrap-server", bootstrap] to append to commands. */
  readonly flag: string[];
  stop(): Promise<void>;
}

/** `fluxo start` on a free port in a temporary directory; resolves once it listens. */
export function startBroker(settings: Record<string, string> = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-cli-it-'));
  const args = [MAIN, 'start', '--data-dir', dir, '--override', 'listeners=PLAINTEXT://127.0.0.1:0'];
  for (const [k, v] of Object.entries(settings)) args.push('--override', `${k}=${v}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const m = /msg="Fluxo [^"]* started".* advertised=(\S+):(\d+)/.exec(stderr);
      if (m === null) return;
      clearTimeout(timer);
      const bootstrap = `${m[1]}:${m[2]}`;
      resolve({
        bootstrap,
        dataDir: dir,
        flag: ['--bootstrap-server', bootstrap],
        stop: async () => {
          child.kill('SIGTERM');
          // A broker stuck in shutdown must not hang the test run.
          const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(force);
          rmSync(dir, { recursive: true, force: true });
        },
      });
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`broker exited before listening:\n${stderr}`));
    });
  });
}

/** Parses stdout as JSON, failing with the whole output when it is not. */
export function json<T = unknown>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** NDJSON lines of stdout. */
export function jsonLines<T = unknown>(r: Result): T[] {
  return r.stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as T);
}
