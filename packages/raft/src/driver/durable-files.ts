import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32c, QuorumStateData, Reader, SnapshotFooterRecord, SnapshotHeaderRecord, Writer } from '@fluxo/protocol';
import type { QuorumState, SnapshotId } from '../core/index.js';

/** Writes a file atomically and durably: temp file, fsync, rename, fsync the directory. */
export function writeFileAtomic(dir: string, name: string, data: Uint8Array): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, 'w');
  writeSync(fd, data);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(dir, name));
  const dirFd = openSync(dir, 'r');
  fsyncSync(dirFd);
  closeSync(dirFd);
}

const QUORUM_STATE_FILE = 'quorum-state';

/** Kafka's quorum-state file: JSON with QuorumStateData's fields and a data_version. */
export function writeQuorumState(dir: string, state: QuorumState): void {
  const data = QuorumStateData.create({
    leaderId: state.leaderId,
    leaderEpoch: state.leaderEpoch,
    votedId: state.votedId,
  });
  const json = JSON.stringify({
    clusterId: data.clusterId,
    leaderId: data.leaderId,
    leaderEpoch: data.leaderEpoch,
    votedId: data.votedId,
    appliedOffset: 0,
    currentVoters: null,
    data_version: 0,
  });
  writeFileAtomic(dir, QUORUM_STATE_FILE, Buffer.from(json));
}

export function readQuorumState(dir: string): QuorumState | null {
  const path = join(dir, QUORUM_STATE_FILE);
  if (!existsSync(path)) return null;
  const j = JSON.parse(readFileSync(path, 'utf8')) as { leaderId: number; leaderEpoch: number; votedId: number };
  return { leaderId: j.leaderId, leaderEpoch: j.leaderEpoch, votedId: j.votedId };
}

const SNAPSHOT_SUFFIX = '.checkpoint';

/** Kafka's snapshot file name: 20-digit end offset, '-', 10-digit epoch, '.checkpoint'. */
function snapshotName(id: SnapshotId): string {
  return `${String(id.endOffset).padStart(20, '0')}-${String(id.epoch).padStart(10, '0')}${SNAPSHOT_SUFFIX}`;
}

/**
 * A snapshot file: SnapshotHeaderRecord, the state machine's bytes, SnapshotFooterRecord,
 * each as int32 length + uint32 CRC32C + bytes. Older snapshots are deleted after the write.
 */
export function writeSnapshot(dir: string, id: SnapshotId, bytes: Uint8Array, nowMs: number): void {
  const header = new Writer();
  SnapshotHeaderRecord.encode(
    header,
    SnapshotHeaderRecord.create({ version: 0, lastContainedLogTimestamp: BigInt(nowMs) }),
    0,
  );
  const footer = new Writer();
  SnapshotFooterRecord.encode(footer, SnapshotFooterRecord.create({ version: 0 }), 0);
  const parts = [header.toBuffer(), Buffer.from(bytes), footer.toBuffer()];
  const framed = parts.flatMap((p) => {
    const h = Buffer.allocUnsafe(8);
    h.writeInt32BE(p.length, 0);
    h.writeUInt32BE(crc32c(p), 4);
    return [h, p];
  });
  const name = snapshotName(id);
  writeFileAtomic(dir, name, Buffer.concat(framed));
  for (const f of readdirSync(dir)) if (f.endsWith(SNAPSHOT_SUFFIX) && f !== name) unlinkSync(join(dir, f));
}

/** The latest valid snapshot in the directory, or null. */
export function readLatestSnapshot(dir: string): { id: SnapshotId; bytes: Uint8Array } | null {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(SNAPSHOT_SUFFIX))
    .sort()
    .reverse();
  for (const name of names) {
    const [end, epoch] = name.slice(0, -SNAPSHOT_SUFFIX.length).split('-');
    const buf = readFileSync(join(dir, name));
    const parts: Buffer[] = [];
    let at = 0;
    while (at + 8 <= buf.length && parts.length < 3) {
      const len = buf.readInt32BE(at);
      const part = buf.subarray(at + 8, at + 8 + len);
      if (part.length !== len || crc32c(part) !== buf.readUInt32BE(at + 4)) break;
      parts.push(part);
      at += 8 + len;
    }
    if (parts.length !== 3) continue;
    SnapshotHeaderRecord.decode(new Reader(parts[0]), 0);
    SnapshotFooterRecord.decode(new Reader(parts[2]), 0);
    return { id: { endOffset: Number(end), epoch: Number(epoch) }, bytes: new Uint8Array(parts[1]) };
  }
  return null;
}
