import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  readLatestSnapshot,
  readQuorumState,
  writeQuorumState,
  writeSnapshot,
} from '../../src/driver/durable-files.js';
import { FileLog } from '../../src/driver/file-log.js';

const entry = (epoch: number, text: string) => ({ epoch, control: false, data: Buffer.from(text) });

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-raft-files-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the log file survives a reopen, truncation and prefix drop', () =>
  withDir((dir) => {
    const log = new FileLog(dir);
    log.append(0, [entry(1, 'a'), entry(1, 'b'), entry(2, 'c')]);
    log.truncateTo(2);
    log.append(2, [entry(3, 'd')]);
    log.close();
    const again = new FileLog(dir);
    assert.deepEqual(
      again.recovered.map((e) => [e.epoch, Buffer.from(e.data).toString()]),
      [
        [1, 'a'],
        [1, 'b'],
        [3, 'd'],
      ],
    );
    again.dropPrefix(2, [entry(3, 'd')]);
    again.close();
    const third = new FileLog(dir);
    assert.equal(third.logStartOffset, 2);
    assert.equal(third.endOffset, 3);
    third.close();
  }));

test('a torn or corrupt tail is cut off at the last whole record', () =>
  withDir((dir) => {
    const log = new FileLog(dir);
    log.append(0, [entry(1, 'first'), entry(1, 'second'), entry(1, 'third')]);
    log.close();
    const path = join(dir, 'metadata.log');
    const size = statSync(path).size;
    truncateSync(path, size - 3); // torn write of the last record
    const torn = new FileLog(dir);
    assert.equal(torn.endOffset, 2);
    assert.equal(statSync(path).size < size - 3, true, 'the partial record is truncated away');
    torn.close();
    // Flip a byte inside the second record: it and everything after are dropped.
    const bytes = readFileSync(path);
    bytes[bytes.length - 2] ^= 0xff;
    writeFileSync(path, bytes);
    appendFileSync(path, Buffer.from('garbage'));
    const corrupt = new FileLog(dir);
    assert.equal(corrupt.endOffset, 1);
    corrupt.close();
  }));

test('quorum state and snapshots are written atomically and read back', () =>
  withDir((dir) => {
    assert.equal(readQuorumState(dir), null);
    writeQuorumState(dir, { leaderEpoch: 4, leaderId: -1, votedId: 2 });
    assert.deepEqual(readQuorumState(dir), { leaderEpoch: 4, leaderId: -1, votedId: 2 });
    assert.equal(readLatestSnapshot(dir), null);
    writeSnapshot(dir, { endOffset: 10, epoch: 2 }, Buffer.from('state-10'), 0);
    writeSnapshot(dir, { endOffset: 20, epoch: 3 }, Buffer.from('state-20'), 0);
    const latest = readLatestSnapshot(dir)!;
    assert.deepEqual(latest.id, { endOffset: 20, epoch: 3 });
    assert.equal(Buffer.from(latest.bytes).toString(), 'state-20');
  }));
