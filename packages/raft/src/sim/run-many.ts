import type { RaftMessage } from '../core/index.js';
import { type Canary, runSchedule, type ScheduleResult } from './simulator.js';

export interface RunManyOptions {
  readonly schedules: number;
  readonly seed: number;
  readonly canary?: Canary;
  readonly wire?: (m: RaftMessage) => RaftMessage;
  readonly stopOnViolation?: boolean;
}

export interface RunSummary {
  readonly run: number;
  readonly faults: number;
  readonly failures: ScheduleResult[];
  readonly schedulesPerSecond: number;
  readonly line: string;
}

/** Runs schedules seed, seed+1, ...: each seed alone reproduces its schedule exactly. */
export function runMany(o: RunManyOptions): RunSummary {
  const started = performance.now();
  let run = 0;
  let faults = 0;
  let committed = 0;
  const failures: ScheduleResult[] = [];
  for (let i = 0; i < o.schedules; i++) {
    const r = runSchedule({ seed: o.seed + i, canary: o.canary, wire: o.wire });
    run += 1;
    faults += r.faults;
    committed += r.committed;
    if (r.violation !== null) {
      failures.push(r);
      if (o.stopOnViolation) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const schedulesPerSecond = run / Math.max(seconds, 1e-9);
  const line =
    `schedules ${run}, faults injected ${faults}, committed entries ${committed}, violations ${failures.length}, ` +
    `${schedulesPerSecond.toFixed(1)} schedules/s` +
    (failures.length > 0 ? `, first failing seed ${failures[0].seed}` : '');
  return { run, faults, failures, schedulesPerSecond, line };
}
