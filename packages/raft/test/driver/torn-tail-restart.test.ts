import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecordBatch } from '@fluxo/protocol';
import { appendMany, assertHasAll, stableLeader } from './cluster-helpers.js';
import { freePorts, VoterProcess } from './voter-process.js';

const segmentFile = (dataDir: string) => join(dataDir, '__cluster_metadata-0', `${'0'.padStart(20, '0')}.log`);

/** Offsets of the batches in a segment file, decoding (and CRC-checking) every one. */
function batchEnds(path: string): number[] {
  const bytes = readFileSync(path);
  const ends: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const b = decodeRecordBatch(bytes, at);
    ends.push(Number(b.baseOffset) + b.lastOffsetDelta + 1);
    at += b.sizeBytes;
  }
  return ends;
}

test('a follower killed with -9 restarts from a segment log with a torn tail and catches up', {
  timeout: 60_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-raft-torn-'));
  const ports = await freePorts(3);
  const votersArg = ports.map((p, i) => `${i + 1}@127.0.0.1:${p}`).join(',');
  const voters = [1, 2, 3].map(
    (id) => new VoterProcess(id, ['--voters', votersArg, '--data', join(dir, `node-${id}`)]),
  );
  try {
    await Promise.all(voters.map((v) => v.start()));
    const leader = await stableLeader(voters, 1, 20_000);
    const acked = new Map<number, string>();
    await appendMany(leader, 0, 20, acked);
    const follower = voters.find((v) => v !== leader)!;
    await assertHasAll(follower, acked, 10_000);
    await follower.kill();

    // A crash mid-write: the last batch is cut short and followed by garbage.
    const path = segmentFile(join(dir, `node-${follower.id}`));
    const endsBefore = batchEnds(path);
    truncateSync(path, statSync(path).size - 5);
    appendFileSync(path, Buffer.from('torn-write'));

    await appendMany(leader, 20, 10, acked);
    await follower.start();
    await assertHasAll(follower, acked, 20_000);
    assert.equal((await follower.status()).role, 'follower');
    const endsAfter = batchEnds(path); // every batch decodes: the torn one was cut and fetched again
    assert.ok(endsAfter.at(-1)! >= 31, `log end ${endsAfter.at(-1)} covers the 30 entries and the leader change`);
    assert.ok(endsAfter.includes(endsBefore.at(-2) ?? 0), 'the batches before the torn one were kept');
  } finally {
    await Promise.all(voters.map((v) => v.kill()));
    rmSync(dir, { recursive: true, force: true });
  }
});
