import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/** A `topic partition offset` entry of a Kafka offset checkpoint file. */
export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: bigint;
}

const CHECKPOINT_VERSION = 0;

/**
 * Kafka's offset checkpoint format (recovery-point-offset-checkpoint,
 * log-start-offset-checkpoint): a version line, a count line, then one
 * `topic partition offset` line per partition. Written to a temp file,
 * fsynced and renamed so a crash leaves the old or the new file, never half.
 */
export function writeCheckpoint(path: string, entries: readonly CheckpointEntry[]): void {
  const lines = [String(CHECKPOINT_VERSION), String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${lines.join('\n')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Entries by `topic-partition`; an absent or malformed file reads as empty (everything gets recovered). */
export function readCheckpoint(path: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return out;
  }
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length < 2 || Number(lines[0]) !== CHECKPOINT_VERSION) return out;
  const count = Number(lines[1]);
  if (!Number.isInteger(count) || count !== lines.length - 2) return out;
  for (const line of lines.slice(2)) {
    const parts = line.split(' ');
    if (parts.length !== 3 || !/^\d+$/.test(parts[1]) || !/^-?\d+$/.test(parts[2])) return new Map();
    out.set(`${parts[0]}-${parts[1]}`, BigInt(parts[2]));
  }
  return out;
}
