#!/usr/bin/env node
// Record-layer micro-benchmarks for @fluxo/protocol: CRC32C (pure JS vs native, per size),
// each compression codec on ~1 MiB of JSON-lines records, the LZ4 frame built on lz4-napi's
// block API vs lz4-napi's own frame API, and encode/decode of a 1 MiB batch.
//
//   flock /tmp/fluxo-build.lock npx tsc -b packages/protocol && node bench/records.mjs [--quick]
//
// Prints Markdown tables of medians (of RUNS runs, each a timed loop of at least MIN_RUN_MS).
import { cpus } from 'node:os';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import { compress, decompress } from '../packages/protocol/dist/src/compression/index.js';
import {
  checkBatch,
  crc32cJs,
  crc32cNative,
  decodeRecordBatch,
  encodeRecordBatch,
} from '../packages/protocol/dist/src/records/index.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 3 : 7;
const MIN_RUN_MS = quick ? 60 : 250;
const MiB = 1024 * 1024;

/** Median MB/s of `fn` over RUNS runs; each run repeats fn until MIN_RUN_MS has passed. */
function throughput(bytesPerCall, fn) {
  // Warm-up long enough for the JIT to optimise the hot loop.
  const warmUntil = process.hrtime.bigint() + BigInt(MIN_RUN_MS) * 1_000_000n;
  while (process.hrtime.bigint() < warmUntil) fn();
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsedNs = 0n;
    do {
      fn();
      calls++;
      elapsedNs = process.hrtime.bigint() - start;
    } while (elapsedNs < BigInt(MIN_RUN_MS) * 1_000_000n);
    rates.push((bytesPerCall * calls) / (Number(elapsedNs) / 1e9) / 1e6);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');

function jsonLinesRecords(targetBytes) {
  const records = [];
  let total = 0;
  for (let i = 0; total < targetBytes; i++) {
    const value = Buffer.from(
      JSON.stringify({
        id: i,
        ts: 1_764_000_000_000 + i * 13,
        user: `user-${(i * 7919) % 5000}`,
        event: ['page_view', 'click', 'purchase', 'signup'][i % 4],
        path: `/products/${(i * 31) % 977}/details`,
        amount: ((i * 37) % 10000) / 100,
        tags: ['web', i % 3 === 0 ? 'mobile' : 'desktop'],
      }),
    );
    const key = Buffer.from(`user-${(i * 7919) % 5000}`);
    records.push({ key, value, timestamp: BigInt(1_764_000_000_000 + i * 13) });
    total += key.length + value.length + 1;
  }
  return records;
}

function crcTable() {
  const rows = [];
  for (const [label, size] of [
    ['100 B', 100],
    ['256 B', 256],
    ['512 B', 512],
    ['1 KiB', 1024],
    ['16 KiB', 16 * 1024],
    ['1 MiB', MiB],
  ]) {
    const data = Buffer.alloc(size);
    for (let i = 0; i < size; i++) data[i] = (i * 2654435761) >>> 24;
    rows.push([label, throughput(size, () => crc32cJs(data)), throughput(size, () => crc32cNative(data))]);
  }
  console.log(
    '\n### CRC32C, MB/s\n\n| size | pure JS slicing-by-16 | @node-rs/crc32 | faster |\n| --- | ---: | ---: | --- |',
  );
  for (const [label, js, native] of rows) {
    console.log(
      `| ${label} | ${fmt(js)} | ${fmt(native)} | ${js > native ? 'JS' : 'native'} ×${(Math.max(js, native) / Math.min(js, native)).toFixed(1)} |`,
    );
  }
}

function codecTable(payload) {
  console.log(
    `\n### Codecs on ${(payload.length / MiB).toFixed(2)} MiB of JSON-lines records (uncompressed batch payload), MB/s of uncompressed bytes\n`,
  );
  console.log('| codec | compress | decompress | ratio |\n| --- | ---: | ---: | ---: |');
  for (const [name, id, level] of [
    ['gzip level 6 (Kafka default)', 1],
    ['gzip level 1', 1, 1],
    ['snappy (xerial, 32 KiB chunks)', 2],
    ['lz4 frame on lz4-napi blocks', 3],
    ['zstd level 3 (Kafka default)', 4],
    ['zstd level 1', 4, 1],
  ]) {
    const options = level === undefined ? {} : { level };
    const packed = compress(id, payload, options);
    const c = throughput(payload.length, () => compress(id, payload, options));
    const d = throughput(payload.length, () => decompress(id, packed));
    console.log(`| ${name} | ${fmt(c)} | ${fmt(d)} | ${(payload.length / packed.length).toFixed(2)} |`);
  }
  const frame = compressFrameSync(payload);
  const c = throughput(payload.length, () => compressFrameSync(payload));
  const d = throughput(payload.length, () => decompressFrameSync(frame));
  console.log(
    `| lz4-napi frame API (for comparison, unused) | ${fmt(c)} | ${fmt(d)} | ${(payload.length / frame.length).toFixed(2)} |`,
  );
}

function batchTable(records) {
  console.log('\n### 1 MiB batch, MB/s of batch bytes (records/s in brackets)\n');
  console.log('| operation | none | lz4 | zstd |\n| --- | ---: | ---: | ---: |');
  const rows = { encode: [], decode: [], check: [] };
  for (const compression of [0, 3, 4]) {
    const batch = encodeRecordBatch({ compression, records });
    const size = encodeRecordBatch({ records }).length; // count uncompressed bytes for every codec
    const perSec = (mbps) => `${fmt(mbps)} (${fmt(((mbps * 1e6) / size) * records.length)} rec/s)`;
    rows.encode.push(perSec(throughput(size, () => encodeRecordBatch({ compression, records }))));
    rows.decode.push(perSec(throughput(size, () => decodeRecordBatch(batch))));
    rows.check.push(`${fmt(throughput(batch.length, () => checkBatch(batch)))}`);
  }
  console.log(`| encodeRecordBatch | ${rows.encode.join(' | ')} |`);
  console.log(`| decodeRecordBatch (CRC + decompress + records) | ${rows.decode.join(' | ')} |`);
  console.log(`| checkBatch (header + CRC only; MB/s of wire bytes) | ${rows.check.join(' | ')} |`);
  console.log(`\n${records.length} records, ${encodeRecordBatch({ records }).length} bytes uncompressed.`);
}

console.log(`## Record layer (node ${process.version}, ${cpus().length} vCPU ${cpus()[0]?.model ?? ''}, runs=${RUNS})`);
crcTable();
const records = jsonLinesRecords(MiB);
const payload = encodeRecordBatch({ records }).subarray(61);
codecTable(payload);
batchTable(records);
