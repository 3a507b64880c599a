import assert from 'node:assert/strict';
import { sleep, type VoterProcess } from './voter-process.js';

/** Polls until one live voter leads and every other live voter follows it in the same epoch. */
export async function stableLeader(
  voters: VoterProcess[],
  minEpoch: number,
  deadlineMs: number,
): Promise<VoterProcess> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    const live = voters.filter((v) => v.alive);
    const statuses = await Promise.all(live.map((v) => v.status()));
    const leaders = statuses.filter((s) => s.role === 'leader' && s.epoch >= minEpoch);
    if (
      leaders.length === 1 &&
      statuses.every((s) => s.epoch === leaders[0].epoch && s.leaderId === leaders[0].leaderId)
    )
      return live[statuses.indexOf(leaders[0])];
    await sleep(100);
  }
  throw new Error('no stable leader in time');
}

export async function appendMany(
  leader: VoterProcess,
  from: number,
  count: number,
  acked: Map<number, string>,
): Promise<void> {
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => leader.append(from + i, `entry-${from + i}`)),
  );
  for (const [i, r] of results.entries()) {
    assert.equal(r.event, 'appended', `append ${from + i} failed: ${JSON.stringify(r)}`);
    acked.set(r.offset, `entry-${from + i}`);
  }
}

export async function assertHasAll(v: VoterProcess, acked: Map<number, string>, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let applied = new Map<number, string>();
  while (Date.now() < until) {
    applied = new Map(await v.dump());
    if ([...acked].every(([o, d]) => applied.get(o) === d)) return;
    await sleep(100);
  }
  const missing = [...acked].filter(([o, d]) => applied.get(o) !== d);
  assert.fail(`node ${v.id} lacks ${missing.length} acknowledged entries, first ${JSON.stringify(missing[0])}`);
}
