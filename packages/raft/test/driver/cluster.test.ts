import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appendMany, assertHasAll, stableLeader } from './cluster-helpers.js';
import { describeQuorum, freePorts, VoterProcess } from './voter-process.js';

test('three voter processes over TCP: elect, replicate, kill -9 the leader, re-elect, rejoin', {
  timeout: 90_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-raft-'));
  const ports = await freePorts(3);
  const votersArg = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',');
  const voters = [1, 2, 3].map(
    (id) => new VoterProcess(id, ['--voters', votersArg, '--data', join(dir, `node-${id}`), '--snapshot-every', '40']),
  );
  try {
    await Promise.all(voters.map((v) => v.start()));
    const first = await stableLeader(voters, 1, 20_000);
    const firstEpoch = (await first.status()).epoch;
    const acked = new Map<number, string>();
    await appendMany(first, 0, 60, acked);
    for (const v of voters) await assertHasAll(v, acked, 10_000);

    await first.kill();
    const second = await stableLeader(voters, firstEpoch + 1, 20_000);
    assert.notEqual(second.id, first.id);
    await appendMany(second, 60, 30, acked);
    for (const v of voters.filter((x) => x.alive)) await assertHasAll(v, acked, 10_000);

    // The old leader restarts from its files and rejoins as a follower of the new leader.
    await first.start();
    await assertHasAll(first, acked, 20_000);
    const rejoined = await first.status();
    assert.equal(rejoined.role, 'follower');
    assert.equal(rejoined.leaderId, second.id);
    assert.equal((await stableLeader(voters, firstEpoch + 1, 10_000)).id, second.id);

    // DescribeQuorum over the Kafka protocol: the leader reports itself and all three voters.
    const described = (await describeQuorum(ports[second.id - 1])).topics[0].partitions[0];
    assert.equal(described.errorCode, 0);
    assert.equal(described.leaderId, second.id);
    assert.deepEqual(described.currentVoters.map((v) => v.replicaId).sort(), [1, 2, 3]);
    assert.ok(described.highWatermark >= BigInt(Math.max(...acked.keys()) + 1));
    const fromFollower = (await describeQuorum(ports[first.id - 1])).topics[0].partitions[0];
    assert.equal(fromFollower.errorCode, 6); // NOT_LEADER_OR_FOLLOWER
  } finally {
    await Promise.all(voters.map((v) => v.kill()));
    rmSync(dir, { recursive: true, force: true });
  }
});
