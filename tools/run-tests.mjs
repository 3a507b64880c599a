#!/usr/bin/env node
// Runs every compiled test (packages/*/dist/test/**/*.test.js, tools/*/dist/test/**) with node's built-in runner.
// Node 20's --test takes no globs, so the files are listed here. Extra args are passed to node --test.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const roots = ['packages', 'tools'].flatMap((top) => readdirSync(top).map((name) => join(top, name, 'dist', 'test')));
const filter = process.env.FLUXO_TEST_FILTER;
const files = roots
  .flatMap((root) => walk(root, []))
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error('no test files found: run npm run build first');
  process.exit(1);
}
// Bounds, so a hang fails the run instead of eating CI's time: any one test
// fails after 4 minutes, and the whole run is stopped after 17.
const TEST_TIMEOUT_MS = 4 * 60_000;
const RUN_TIMEOUT_MS = 17 * 60_000;
const args = [
  '--test',
  '--test-reporter=spec',
  `--test-timeout=${TEST_TIMEOUT_MS}`,
  ...process.argv.slice(2),
  ...files,
];
// Its own process group, so a timeout also stops the test files' processes and the brokers they started.
const child = spawn(process.execPath, args, { stdio: 'inherit', detached: true });
const guard = setTimeout(() => {
  console.error(`run-tests: stopped after ${RUN_TIMEOUT_MS / 60_000} minutes (a test file did not end)`);
  process.kill(-child.pid, 'SIGKILL');
}, RUN_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.kill(-child.pid, signal));
child.on('exit', (code) => {
  clearTimeout(guard);
  process.exit(code ?? 1);
});
