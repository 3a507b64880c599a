#!/usr/bin/env node
// Storage-only throughput: append 16 KiB batches of 1 KiB records (as a producer
// with linger would send them) to N partitions, then read everything back in
// 1 MiB fetches. Usage: node packages/storage/bench/append-read.mjs [MiB=1024] [partitions=8]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fluxo/core';
import { crc32c } from '@fluxo/protocol';
import { DEFAULT_LOG_CONFIG, LogManager } from '@fluxo/storage';

const totalMiB = Number(process.argv[2] ?? 1024);
const partitions = Number(process.argv[3] ?? 8);
const recordBytes = 1024;
const recordsPerBatch = 16;

function batch() {
  const record = Buffer.alloc(recordBytes + 8);
  const records = [];
  for (let i = 0; i < recordsPerBatch; i++) {
    // length varint(2 bytes) attrs tsDelta offsetDelta keyLen(-1) valueLen(2 bytes) value headers(0)
    const body = Buffer.concat([
      Buffer.from([0, 0, i * 2, 1]),
      Buffer.from([0x80, 0x10]),
      Buffer.alloc(recordBytes, 0x61),
      Buffer.from([0]),
    ]);
    const len = body.length * 2;
    records.push(Buffer.from([(len & 0x7f) | 0x80, len >> 7]), body);
  }
  void record;
  const body = Buffer.concat(records);
  const header = Buffer.alloc(61);
  header.writeInt32BE(61 + body.length - 12, 8);
  header.writeInt8(2, 16);
  header.writeInt32BE(recordsPerBatch - 1, 23);
  const now = BigInt(Date.now());
  header.writeBigInt64BE(now, 27);
  header.writeBigInt64BE(now, 35);
  header.writeBigInt64BE(-1n, 43);
  header.writeInt16BE(-1, 51);
  header.writeInt32BE(-1, 53);
  header.writeInt32BE(recordsPerBatch, 57);
  const out = Buffer.concat([header, body]);
  out.writeUInt32BE(crc32c(out.subarray(21)), 17);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
const logs = await LogManager.open({ logDirs: [dir], clock: systemClock, defaults: DEFAULT_LOG_CONFIG });
const parts = Array.from({ length: partitions }, (_, p) =>
  logs.getOrCreate('bench', p, 'AAAAAAAAAAAAAAAAAAAAAQ', DEFAULT_LOG_CONFIG),
);
const template = batch();
const batches = Math.floor((totalMiB * 1024 * 1024) / template.length);
const pool = Array.from({ length: 64 }, () => Buffer.from(template));
let t = performance.now();
for (let i = 0; i < batches; i++) {
  const r = parts[i % partitions].append(pool[i % pool.length], Date.now());
  if (r.errorCode !== 0) throw new Error(`append failed ${r.errorCode}`);
}
let secs = (performance.now() - t) / 1000;
const bytes = batches * template.length;
console.log(
  `append: ${(bytes / 1e6 / secs).toFixed(0)} MB/s, ${((batches * recordsPerBatch) / secs / 1e3).toFixed(0)}k records/s (${batches} batches of ${template.length} B, ${partitions} partitions)`,
);
t = performance.now();
let read = 0;
for (const log of parts) {
  let offset = 0n;
  while (offset < log.logEndOffset) {
    const r = log.read(offset, 1024 * 1024, true);
    read += r.records.length;
    const last = r.records.length - template.length;
    offset = r.records.readBigInt64BE(last) + BigInt(recordsPerBatch);
  }
}
secs = (performance.now() - t) / 1000;
console.log(`read:   ${(read / 1e6 / secs).toFixed(0)} MB/s (1 MiB reads from the page cache)`);
await logs.close();
rmSync(dir, { recursive: true, force: true });
