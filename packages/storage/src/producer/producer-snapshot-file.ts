import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '@fluxo/protocol';
import { offsetFileStem } from '../segment/file-names.js';
import { BATCHES_CACHED_PER_PRODUCER, type BatchMetadata, type ProducerStateEntry } from './producer-state.js';

/**
 * A partition's producer state at an offset, in `<20-digit offset>.snapshot`
 * beside the segments (Kafka's file name; the state after every batch below
 * that offset). Fluxo's own layout, big-endian:
 *
 *   version int16 | crc uint32 (CRC32C of what follows) | producerCount int32 |
 *   producerCount x ( producerId int64 | producerEpoch int16 | lastTimestamp int64 |
 *                     batchCount int8 | batchCount x ( firstSeq int32 | lastSeq int32 |
 *                     firstOffset int64 | lastOffset int64 | timestamp int64 ) )
 *
 * Unlike Kafka's (one batch per producer) it keeps all five cached batches,
 * so every in-flight retry is still recognised after a restart.
 */
export const SNAPSHOT_SUFFIX = '.snapshot';
export const SNAPSHOT_VERSION = 1;

const HEADER_BYTES = 2 + 4 + 4;
const CRC_AT = 2;
const ENTRY_BYTES = 8 + 2 + 8 + 1;
const BATCH_BYTES = 4 + 4 + 8 + 8 + 8;

export function snapshotPath(dir: string, offset: bigint): string {
  return join(dir, offsetFileStem(offset) + SNAPSHOT_SUFFIX);
}

export function encodeProducerSnapshot(entries: readonly ProducerStateEntry[]): Buffer {
  let size = HEADER_BYTES;
  for (const e of entries) size += ENTRY_BYTES + e.batches.length * BATCH_BYTES;
  const buf = Buffer.alloc(size);
  buf.writeInt16BE(SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, CRC_AT + 4);
  let at = HEADER_BYTES;
  for (const e of entries) {
    buf.writeBigInt64BE(e.producerId, at);
    buf.writeInt16BE(e.producerEpoch, at + 8);
    buf.writeBigInt64BE(BigInt(e.lastTimestamp), at + 10);
    buf.writeInt8(e.batches.length, at + 18);
    at += ENTRY_BYTES;
    for (const b of e.batches) {
      buf.writeInt32BE(b.firstSeq, at);
      buf.writeInt32BE(b.lastSeq, at + 4);
      buf.writeBigInt64BE(b.firstOffset, at + 8);
      buf.writeBigInt64BE(b.lastOffset, at + 16);
      buf.writeBigInt64BE(BigInt(b.timestamp), at + 24);
      at += BATCH_BYTES;
    }
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_AT + 4)), CRC_AT);
  return buf;
}

/** The entries of a snapshot, or a string saying why the bytes are not a valid one. */
export function decodeProducerSnapshot(buf: Buffer): ProducerStateEntry[] | string {
  if (buf.length < HEADER_BYTES) return `${buf.length} bytes, shorter than the header`;
  const version = buf.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) return `unknown snapshot version ${version}`;
  if (crc32c(buf.subarray(CRC_AT + 4)) !== buf.readUInt32BE(CRC_AT)) return 'CRC32C mismatch';
  const count = buf.readInt32BE(CRC_AT + 4);
  if (count < 0 || count > (buf.length - HEADER_BYTES) / ENTRY_BYTES) return `producer count ${count} does not fit`;
  const entries: ProducerStateEntry[] = [];
  let at = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_BYTES > buf.length) return `entry ${i} runs past the end`;
    const batchCount = buf.readInt8(at + 18);
    if (batchCount < 1 || batchCount > BATCHES_CACHED_PER_PRODUCER) return `entry ${i} has ${batchCount} batches`;
    const entry: ProducerStateEntry = {
      producerId: buf.readBigInt64BE(at),
      producerEpoch: buf.readInt16BE(at + 8),
      lastTimestamp: Number(buf.readBigInt64BE(at + 10)),
      batches: [],
    };
    at += ENTRY_BYTES;
    if (at + batchCount * BATCH_BYTES > buf.length) return `entry ${i}'s batches run past the end`;
    for (let j = 0; j < batchCount; j++, at += BATCH_BYTES) {
      const batch: BatchMetadata = {
        firstSeq: buf.readInt32BE(at),
        lastSeq: buf.readInt32BE(at + 4),
        firstOffset: buf.readBigInt64BE(at + 8),
        lastOffset: buf.readBigInt64BE(at + 16),
        timestamp: Number(buf.readBigInt64BE(at + 24)),
      };
      entry.batches.push(batch);
    }
    entries.push(entry);
  }
  if (at !== buf.length) return `${buf.length - at} trailing bytes`;
  return entries;
}

/** Written to a temp file, fsynced, renamed over and the directory fsynced: a crash leaves the old file set or the new. */
export function writeProducerSnapshot(dir: string, offset: bigint, entries: readonly ProducerStateEntry[]): void {
  const path = snapshotPath(dir, offset);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, encodeProducerSnapshot(entries));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export function readProducerSnapshot(dir: string, offset: bigint): ProducerStateEntry[] | string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(snapshotPath(dir, offset));
  } catch (e) {
    return `unreadable: ${String(e)}`;
  }
  return decodeProducerSnapshot(bytes);
}

/** Offsets of the snapshots in `dir`, oldest first; leftover temp files of an interrupted write are removed. */
export function listProducerSnapshots(dir: string): bigint[] {
  const offsets: bigint[] = [];
  for (const name of readdirSync(dir)) {
    const match = /^(\d{20})\.snapshot(\.tmp)?$/.exec(name);
    if (match === null) continue;
    if (match[2] !== undefined) rmSync(join(dir, name), { force: true });
    else offsets.push(BigInt(match[1]));
  }
  return offsets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function deleteProducerSnapshot(dir: string, offset: bigint): void {
  rmSync(snapshotPath(dir, offset), { force: true });
}
