// Runs the built `fluxo` under a pseudo-terminal with util-linux `script`, so stdout and
// stderr are a TTY as in a user's shell. Ctrl-C is typed into the terminal, as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { fluxoEnv, MAIN, type Result } from './harness.js';

/** Null when `script` is missing (then the tests that need a terminal are skipped, saying why). */
export const SCRIPT_MISSING: string | null =
  spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0 ? null : 'util-linux script is not installed';

export interface PtyOptions {
  env?: NodeJS.ProcessEnv;
  /** Unset NO_COLOR (colour is what a terminal gets). */
  colour?: boolean;
  /** Type Ctrl-C once the output matches this. */
  interruptWhen?: RegExp;
  timeoutMs?: number;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/** The terminal's output (stdout and stderr together, with the terminal's \r\n) in `stdout`. */
export function fluxoInPty(args: readonly string[], options: PtyOptions = {}): Promise<Result> {
  const started = performance.now();
  const command = [process.execPath, MAIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: fluxoEnv(options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
    if (!interrupted && options.interruptWhen?.test(stdout)) {
      interrupted = true;
      child.stdin.write('\u0003');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, elapsedMs: performance.now() - started });
    });
  });
}
