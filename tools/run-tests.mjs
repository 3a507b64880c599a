#!/usr/bin/env node
// Runs every compiled test (packages/*/dist/test/**/*.test.js, tools/*/dist/test/**) with node's built-in runner.
// Node 20's --test takes no globs, so the files are listed here. Extra args are passed to node --test.
import { spawnSync } from 'node:child_process';
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
const args = ['--test', '--test-reporter=spec', ...process.argv.slice(2), ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
