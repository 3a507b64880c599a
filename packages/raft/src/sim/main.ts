#!/usr/bin/env node
// npm run simulate -- --schedules N [--seed S] [--canary NAME] [--wire]
// Runs N seeded schedules, prints one summary line, exits 1 naming the seed of any violation.
import { runMany } from './run-many.js';
import type { Canary } from './simulator.js';
import { wireRoundTrip } from '../wire/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const schedules = Number(arg('schedules') ?? 1000);
const seed = Number(arg('seed') ?? 1);
const canary = arg('canary') as Canary | undefined;
if (!Number.isInteger(schedules) || schedules < 1 || !Number.isInteger(seed)) {
  console.error(
    'usage: simulate --schedules N [--seed S] [--canary commitWithoutMajority|forgetVote|noEpochCheckOnCommit] [--wire]',
  );
  process.exit(2);
}
const summary = runMany({
  schedules,
  seed,
  canary,
  wire: process.argv.includes('--wire') ? wireRoundTrip : undefined,
  stopOnViolation: true,
});
console.log(summary.line);
if (summary.failures.length > 0) {
  const flags = `${canary ? ` --canary ${canary}` : ''}${process.argv.includes('--wire') ? ' --wire' : ''}`;
  for (const f of summary.failures)
    console.error(
      `seed ${f.seed}: ${f.violation} (reproduce: npm run simulate -- --schedules 1 --seed ${f.seed}${flags})`,
    );
  process.exit(1);
}
