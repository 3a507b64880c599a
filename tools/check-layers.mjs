#!/usr/bin/env node
// Enforces the layering of DESIGN.md: each package imports only the @fluxo packages
// its layer allows, and declares them (package.json dependencies and tsconfig references);
// sans-I/O code never touches sockets, files, timers, wall clocks or Math.random.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Which @fluxo packages each package may import (DESIGN.md, "Layers"). */
const ALLOWED = {
  core: [],
  protocol: ['core'],
  storage: ['core', 'protocol'],
  raft: ['core', 'protocol', 'storage'],
  metadata: ['core', 'protocol', 'raft'],
  coordinator: ['core', 'protocol'],
  broker: ['core', 'protocol', 'storage', 'raft', 'metadata', 'coordinator'],
  client: ['core', 'protocol'],
  streams: ['core', 'protocol', 'client'],
  connect: ['core', 'protocol', 'client'],
  testkit: ['core', 'protocol', 'storage', 'raft', 'metadata', 'coordinator', 'broker', 'client'],
  // The CLI is the face that starts the server (`fluxo start`), so it alone besides testkit may import broker.
  cli: ['core', 'protocol', 'client', 'broker'],
};

/** Folders whose code must stay free of I/O and ambient time/randomness. */
const SANS_IO = ['packages/protocol/src', 'packages/raft/src/core'];
const SANS_IO_FORBIDDEN = [
  [/from ['"]node:(net|fs|fs\/promises|dgram|http|https|child_process|timers)['"]/, 'an I/O module'],
  [/\bDate\.now\(/, 'Date.now() (inject a Clock)'],
  [/\bMath\.random\(/, 'Math.random() (inject a Random)'],
  [/\bset(Timeout|Interval|Immediate)\(/, 'a timer (return a timer action)'],
];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

const problems = [];
for (const pkg of readdirSync('packages')) {
  const allowed = ALLOWED[pkg];
  if (!allowed) {
    problems.push(`packages/${pkg}: not in the layer table of tools/check-layers.mjs`);
    continue;
  }
  const manifest = JSON.parse(readFileSync(`packages/${pkg}/package.json`, 'utf8'));
  const declared = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@fluxo/'));
  const tsconfig = readFileSync(`packages/${pkg}/tsconfig.json`, 'utf8');
  for (const dep of declared) {
    const name = dep.slice('@fluxo/'.length);
    if (!allowed.includes(name))
      problems.push(`packages/${pkg}/package.json: depends on ${dep}, which its layer may not use`);
    if (!tsconfig.includes(`"../${name}"`)) problems.push(`packages/${pkg}/tsconfig.json: no reference to ../${name}`);
  }
  for (const file of [...walk(`packages/${pkg}/src`), ...walk(`packages/${pkg}/test`)]) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/from ['"]@fluxo\/([a-z-]+)/g)) {
      const name = match[1];
      if (name === pkg) continue;
      if (!declared.includes(`@fluxo/${name}`))
        problems.push(`${file}: imports @fluxo/${name}, not declared in package.json`);
      if (!allowed.includes(name)) problems.push(`${file}: imports @fluxo/${name}, which the ${pkg} layer may not use`);
    }
    if (/from ['"]\.\.\/\.\.\/\.\.\//.test(text) && file.includes('/src/')) {
      problems.push(`${file}: reaches into another package by relative path`);
    }
  }
}
for (const dir of SANS_IO) {
  for (const file of walk(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of SANS_IO_FORBIDDEN) {
      if (pattern.test(text)) problems.push(`${file}: sans-I/O code uses ${what}`);
    }
  }
}
if (problems.length > 0) {
  console.error(`layer check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('layer check: ok');
