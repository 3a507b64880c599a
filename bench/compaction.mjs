#!/usr/bin/env node
// Log compaction: how fast the background cleaner compacts a log, and how long one of its ticks holds the
// event loop. Storage only (no network), on a fresh temp dir per run.
//
//   node bench/compaction.mjs [--mib 100] [--runs 3] [--keys 10000] [--value 1024] [--codec none|lz4|zstd]
//
// Needs `npm run build`. Each run writes --mib of 16-record batches (keys drawn round-robin from --keys, so
// about (1 - keys/records) of the log is superseded) in 64 MiB segments, rolls, then starts the LogManager's
// cleaner (Kafka's defaults: 128 MiB dedupe buffer, 512 KiB io buffer; Fluxo's 10 ms tick, steps of at most
// 64 KiB / ~1024 records) and waits until
// the cleaner checkpoint reaches the active segment. Reported per run: MB/s cleaned (bytes read by the
// cleaner / wall time of the pass), bytes left, the longest tick (ms, the cleaner's own measure) and the
// largest event-loop delay seen meanwhile (perf_hooks.monitorEventLoopDelay, 1 ms resolution; includes the
// fsync-free swap steps and GC). The table gives the median of the runs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { systemClock } from '@fluxo/core';
import { CompressionType, encodeRecordBatch } from '@fluxo/protocol';
import { DEFAULT_LOG_CONFIG, LogManager } from '@fluxo/storage';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const mib = Number(opt('mib', 100));
const runs = Number(opt('runs', 3));
const keys = Number(opt('keys', 10_000));
const valueBytes = Number(opt('value', 1024));
const codec = CompressionType[opt('codec', 'none')];
const RECORDS_PER_BATCH = 16;

async function once() {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-compaction-bench-'));
  try {
    const logs = await LogManager.open({
      logDirs: [dir],
      clock: systemClock,
      defaults: DEFAULT_LOG_CONFIG,
      cleaner: { backoffMs: 10 },
      retentionCheckIntervalMs: 3_600_000,
    });
    const config = {
      ...DEFAULT_LOG_CONFIG,
      cleanupPolicy: ['compact'],
      segmentBytes: 64 * 1024 * 1024,
    };
    const log = logs.getOrCreate('bench', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config);
    // Hex text of random bytes: compresses about 2:1, as text payloads do, not 100:1 like a repeated byte.
    const pool = Array.from({ length: 64 }, () => Buffer.from(randomBytes(valueBytes / 2).toString('hex')));
    let n = 0;
    while (log.sizeBytes < mib * 1024 * 1024) {
      const records = [];
      for (let i = 0; i < RECORDS_PER_BATCH; i++, n++)
        records.push({ key: Buffer.from(`key-${n % keys}`), value: pool[n % 61] });
      const r = log.append(encodeRecordBatch({ compression: codec, records }), Date.now());
      if (r.errorCode !== 0) throw new Error(`append failed ${r.errorCode}`);
    }
    log.roll();
    const before = log.sizeBytes;
    const target = log.segmentList.at(-1).baseOffset;
    const lag = monitorEventLoopDelay({ resolution: 1 });
    lag.enable();
    const started = performance.now();
    logs.startBackgroundTasks();
    while (log.cleanerCheckpoint < target) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - started) / 1000;
    lag.disable();
    const m = logs.cleaner.metrics;
    const result = {
      records: n,
      mbIn: before / 1e6,
      mbPerSec: m.bytesRead / 1e6 / seconds,
      mbLeft: log.sizeBytes / 1e6,
      longestTickMs: m.longestTickMs,
      maxLoopDelayMs: lag.max / 1e6,
      ticks: m.ticks,
    };
    await logs.close();
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < runs; i++) {
  const r = await once();
  results.push(r);
  console.error(`run ${i + 1}: ${JSON.stringify(r)}`);
}
const median = (f) => {
  const v = results.map(f).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)];
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
console.log(`| measure (median of ${runs}) | value |`);
console.log('| --- | ---: |');
console.log(
  `| log cleaned (MB, ${results[0].records} records of ${valueBytes} B, ${keys} keys, ${opt('codec', 'none')}) | ${fmt(median((r) => r.mbIn))} |`,
);
console.log(`| left after cleaning (MB) | ${fmt(median((r) => r.mbLeft))} |`);
console.log(`| cleaning throughput (MB/s read) | ${fmt(median((r) => r.mbPerSec))} |`);
console.log(`| longest cleaner tick (ms) | ${fmt(median((r) => r.longestTickMs))} |`);
console.log(`| largest event-loop delay during cleaning (ms) | ${fmt(median((r) => r.maxLoopDelayMs))} |`);
console.log(`| ticks | ${median((r) => r.ticks)} |`);
