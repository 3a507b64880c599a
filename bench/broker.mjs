#!/usr/bin/env node
// Broker throughput, latency, memory and start-up, driven by librdkafka (bench/rdkafka-perf.c),
// so the broker, not a JavaScript load generator, is what gets measured.
//
//   node bench/broker.mjs [--quick]
//
// Needs: `npm run build`, Debian librdkafka-dev and a C compiler (the script compiles rdkafka-perf).
// Prints a Markdown table of medians; paste it into bench/RESULTS.md with the date.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const quick = process.argv.includes('--quick');
const perf = join(here, 'out', 'rdkafka-perf');
const PORT = 19092;
const BOOTSTRAP = `127.0.0.1:${PORT}`;

function buildPerfTool() {
  if (existsSync(perf)) return;
  execFileSync('mkdir', ['-p', join(here, 'out')]);
  execFileSync('cc', ['-O2', '-o', perf, join(here, 'rdkafka-perf.c'), '-lrdkafka', '-lpthread'], { stdio: 'inherit' });
}

function waitForPort(port, timeoutMs) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(performance.now() - start);
      });
      socket.on('error', () => {
        socket.destroy();
        if (performance.now() - start > timeoutMs) reject(new Error(`port ${port} not listening`));
        else setTimeout(attempt, 2);
      });
    };
    attempt();
  });
}

async function startBroker(dataDir, overrides = []) {
  const args = [
    join(root, 'packages/cli/dist/src/main.js'),
    'start',
    '--override',
    `log.dirs=${dataDir}`,
    '--override',
    `listeners=PLAINTEXT://127.0.0.1:${PORT}`,
    '--override',
    'num.partitions=8',
    '--override',
    'log.retention.check.interval.ms=5000',
    ...overrides.flatMap((o) => ['--override', o]),
  ];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(PORT, 10_000);
  return { child, startMs: performance.now() - t0 };
}

function stopBroker(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Runs rdkafka-perf while sampling the broker's RSS; returns its JSON result plus peak RSS. */
function runPerf(pid, args) {
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(pid));
  }, 100);
  return new Promise((resolve, reject) => {
    const child = spawn(perf, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      clearInterval(sampler);
      peak = Math.max(peak, rssMb(pid));
      if (code !== 0) reject(new Error(`rdkafka-perf ${args.join(' ')} exited ${code}: ${out}`));
      else resolve({ ...JSON.parse(out.trim().split('\n').pop()), brokerRssMb: Math.round(peak) });
    });
  });
}

function createTopic(name, partitions) {
  // kcat cannot create topics; the broker auto-creates with num.partitions, so one metadata request does it.
  const r = spawnSync('kcat', ['-b', BOOTSTRAP, '-L', '-t', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kcat -L failed: ${r.stderr}`);
  void partitions;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  buildPerfTool();
  const runs = quick ? 1 : 3;
  const rows = [];

  // Start-up time on an empty data dir.
  const startTimes = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
    const { child, startMs } = await startBroker(dir);
    startTimes.push(startMs);
    await stopBroker(child);
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(['start to listening, empty data dir (ms, incl. node start-up)', median(startTimes).toFixed(0)]);

  const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
  const { child } = await startBroker(dir, ['log.retention.bytes=2147483648', 'log.segment.bytes=268435456']);
  try {
    const cases = [
      { name: 'produce 1 KiB, acks=1, 8 partitions', topic: 'p8-1k', size: 1024, n: quick ? 300_000 : 3_000_000 },
      { name: 'produce 100 B, acks=1, 8 partitions', topic: 'p8-100', size: 100, n: quick ? 1_000_000 : 5_000_000 },
      { name: 'produce 1 KiB, acks=1, 1 partition', topic: 'p1-1k', size: 1024, n: quick ? 300_000 : 2_000_000, partitions: 1 },
    ];
    for (const c of cases) {
      createTopic(c.topic, c.partitions ?? 8);
      const results = [];
      for (let i = 0; i < runs; i++) {
        results.push(await runPerf(child.pid, ['produce', '-b', BOOTSTRAP, '-t', c.topic, '-n', String(c.n), '-s', String(c.size), '-a', '1']));
      }
      rows.push([`${c.name}: records/s`, median(results.map((r) => r.records_per_s)).toFixed(0)]);
      rows.push([`${c.name}: MB/s`, median(results.map((r) => r.mb_per_s)).toFixed(1)]);
      rows.push([`${c.name}: peak broker RSS (MB)`, Math.max(...results.map((r) => r.brokerRssMb)).toFixed(0)]);
      const consumed = [];
      for (let i = 0; i < runs; i++) {
        consumed.push(await runPerf(child.pid, ['consume', '-b', BOOTSTRAP, '-t', c.topic, '-n', String(c.n)]));
      }
      rows.push([`consume (page cache) of that topic: MB/s`, median(consumed.map((r) => r.mb_per_s)).toFixed(1)]);
    }
    createTopic('latency', 8);
    const lat = await runPerf(child.pid, ['latency', '-b', BOOTSTRAP, '-t', 'latency', '-r', '50000', '-d', quick ? '5' : '20', '-s', '1024']);
    rows.push(['end-to-end latency at 50 MB/s offered (1 KiB × 50k/s): p50 ms', lat.p50_ms.toFixed(2)]);
    rows.push(['… p99 ms', lat.p99_ms.toFixed(2)]);
    rows.push(['… p99.9 ms', lat.p999_ms.toFixed(2)]);
    rows.push(['… broker RSS (MB)', String(lat.brokerRssMb)]);
  } finally {
    await stopBroker(child);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| measure | median |\n| --- | ---: |');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
}

await main();
