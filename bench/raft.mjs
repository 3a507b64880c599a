#!/usr/bin/env node
// Raft commit latency and throughput: a 3-voter quorum in this process, real TCP on
// localhost (Kafka framing, generated codecs) and real files with fdatasync in a temp dir.
//   node bench/raft.mjs [--latency-appends 2000] [--throughput-appends 50000] [--in-flight 256] [--bytes 100]
// Build first: npx tsc -b packages/raft. Writes bench/out/raft.md (copy the table into bench/RESULTS.md).
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftServer } from '../packages/raft/dist/src/driver/raft-server.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const latencyAppends = arg('latency-appends', 2000);
const throughputAppends = arg('throughput-appends', 50_000);
const inFlight = arg('in-flight', 256);
const entryBytes = arg('bytes', 100);
const dirIndex = process.argv.indexOf('--dir');
const parentDir = dirIndex >= 0 ? process.argv[dirIndex + 1] : tmpdir();

async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

const nullStateMachine = { apply() {}, snapshot: () => new Uint8Array(0), restore() {} };
const dir = mkdtempSync(join(parentDir, 'fluxo-raft-bench-'));
const ports = await freePorts(3);
const voters = new Map(ports.map((port, i) => [i + 1, { host: '127.0.0.1', port }]));
const servers = [1, 2, 3].map(
  (nodeId) => new RaftServer({ nodeId, voters, dataDir: join(dir, `node-${nodeId}`), stateMachine: nullStateMachine }),
);
await Promise.all(servers.map((s) => s.start()));
let leader;
while (!leader) {
  await new Promise((r) => setTimeout(r, 50));
  leader = servers.find((s) => s.raft.isLeader && s.raft.highWatermark > 0);
}
const payload = Buffer.alloc(entryBytes, 0x61);

// The disk's own fdatasync latency right now, for reading the numbers below.
const fsyncMs = [];
{
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  for (let i = 0; i < 100; i++) {
    writeSync(fd, payload);
    const t = performance.now();
    fdatasyncSync(fd);
    fsyncMs.push(performance.now() - t);
  }
  closeSync(fd);
  fsyncMs.sort((a, b) => a - b);
}

// Warm-up, then commit latency with one append in flight.
for (let i = 0; i < 200; i++) await leader.append(payload);
const latencies = [];
for (let i = 0; i < latencyAppends; i++) {
  const t0 = performance.now();
  await leader.append(payload);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];

// Throughput: keep `inFlight` appends outstanding.
let started = 0;
let done = 0;
const t0 = performance.now();
await new Promise((resolve, reject) => {
  const next = () => {
    if (started >= throughputAppends) return;
    started += 1;
    leader.append(payload).then(() => {
      done += 1;
      if (done === throughputAppends) resolve();
      else next();
    }, reject);
  };
  for (let i = 0; i < inFlight; i++) next();
});
const seconds = (performance.now() - t0) / 1000;
const perSecond = throughputAppends / seconds;
await Promise.all(servers.map((s) => s.close()));
rmSync(dir, { recursive: true, force: true });

const dirArg = dirIndex >= 0 ? ` --dir ${parentDir}` : '';
const command = `node bench/raft.mjs${dirArg} --latency-appends ${latencyAppends} --throughput-appends ${throughputAppends} --in-flight ${inFlight} --bytes ${entryBytes}`;
const lines = [
  '# Raft metadata quorum: commit latency and throughput',
  '',
  `3 voters in one Node ${process.version} process, real TCP on 127.0.0.1 (Kafka framing, generated codecs),`,
  `each with its own log directory (fdatasync before an offset counts), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
  `Entries of ${entryBytes} bytes; commit = the leader's high watermark passed the entry (majority durable).`,
  `Data under ${parentDir}; fdatasync of a ${entryBytes}-byte append there during the run: p50 ${fsyncMs[50].toFixed(2)} ms, p99 ${fsyncMs[98].toFixed(2)} ms.`,
  '',
  `Command: \`npx tsc -b packages/raft && ${command}\` (${new Date().toISOString().slice(0, 10)})`,
  '',
  '| measure | value |',
  '| --- | ---: |',
  `| commit latency p50, 1 in flight | ${pct(50).toFixed(2)} ms |`,
  `| commit latency p99, 1 in flight | ${pct(99).toFixed(2)} ms |`,
  `| committed entries/s, ${inFlight} in flight | ${Math.round(perSecond).toLocaleString('en-US')} |`,
  '',
];
const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : new URL('./out/raft.md', import.meta.url);
if (outIndex < 0) mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(out, lines.join('\n'));
console.log(lines.join('\n'));
