#!/usr/bin/env node
// Broker throughput, latency, memory and start-up, driven by librdkafka (bench/rdkafka-perf.c),
// so the broker, not a JavaScript load generator, is what gets measured.
//
//   node bench/broker.mjs [--quick] [--with-kafka]
//
// Needs: `npm run build`, Debian librdkafka-dev and a C compiler (the script compiles rdkafka-perf).
// --with-kafka runs the same suite against Apache Kafka 4.0 (bench/apache-kafka, `mvn -q -B package` there first)
// and prints both side by side with the ratio. Prints a Markdown table; paste it into bench/RESULTS.md.
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

/** The systems under test: Fluxo always, Apache Kafka with --with-kafka (bench/apache-kafka). */
const TARGETS = {
  fluxo: (dataDir, overrides = []) => {
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
    return spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  },
  kafka: (dataDir) =>
    spawn(join(here, 'apache-kafka', 'run.sh'), [String(PORT), dataDir], { stdio: ['ignore', 'ignore', 'ignore'] }),
};

async function startBroker(target, dataDir, overrides = []) {
  const t0 = performance.now();
  const child = TARGETS[target](dataDir, overrides);
  await waitForPort(PORT, 60_000);
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

function createTopic(name, partitions = 8) {
  const r = spawnSync(perf, ['create', '-b', BOOTSTRAP, '-t', name, '-p', String(partitions)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`creating ${name} failed: ${r.stdout} ${r.stderr}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function suite(target) {
  const runs = quick ? 1 : 3;
  const rows = [];
  const startTimes = [];
  for (let i = 0; i < (quick ? 2 : 5); i++) {
    const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
    const { child, startMs } = await startBroker(target, dir);
    startTimes.push(startMs);
    await stopBroker(child);
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push(['start to listening, empty data dir (ms, incl. runtime start-up)', median(startTimes)]);

  const dir = mkdtempSync(join(tmpdir(), 'fluxo-bench-'));
  const { child } = await startBroker(target, dir, ['log.retention.bytes=2147483648', 'log.segment.bytes=268435456']);
  try {
    const cases = [
      { name: 'produce 1 KiB, acks=1, 8 partitions', topic: 'p8-1k', size: 1024, n: quick ? 300_000 : 3_000_000 },
      { name: 'produce 100 B, acks=1, 8 partitions', topic: 'p8-100', size: 100, n: quick ? 1_000_000 : 5_000_000 },
      {
        name: 'produce 1 KiB, acks=1, 1 partition',
        topic: 'p1-1k',
        size: 1024,
        n: quick ? 300_000 : 2_000_000,
        partitions: 1,
      },
      {
        name: 'produce 100 B, acks=1, 1 partition',
        topic: 'p1-100',
        size: 100,
        n: quick ? 1_000_000 : 5_000_000,
        partitions: 1,
      },
    ];
    for (const c of cases) {
      createTopic(c.topic, c.partitions);
      const produced = [];
      for (let i = 0; i < runs; i++) {
        const args = ['produce', '-b', BOOTSTRAP, '-t', c.topic, '-n', String(c.n), '-s', String(c.size), '-a', '1'];
        produced.push(await runPerf(child.pid, args));
      }
      rows.push([`${c.name}: records/s`, median(produced.map((r) => r.records_per_s))]);
      rows.push([`${c.name}: MB/s`, median(produced.map((r) => r.mb_per_s))]);
      rows.push([`${c.name}: peak broker RSS (MB)`, Math.max(...produced.map((r) => r.brokerRssMb))]);
      const consumed = [];
      for (let i = 0; i < runs; i++) {
        consumed.push(await runPerf(child.pid, ['consume', '-b', BOOTSTRAP, '-t', c.topic, '-n', String(c.n)]));
      }
      rows.push([`${c.name} → consume from page cache: MB/s`, median(consumed.map((r) => r.mb_per_s))]);
    }
    createTopic('latency');
    const seconds = quick ? '5' : '20';
    const lat = await runPerf(child.pid, [
      'latency',
      '-b',
      BOOTSTRAP,
      '-t',
      'latency',
      '-r',
      '50000',
      '-d',
      seconds,
      '-s',
      '1024',
      '-l',
      '1',
    ]);
    rows.push(['end-to-end latency, 1 KiB × 50k/s (50 MB/s offered): p50 ms', lat.p50_ms]);
    rows.push(['… p99 ms', lat.p99_ms]);
    rows.push(['… p99.9 ms', lat.p999_ms]);
    rows.push(['… broker RSS (MB)', lat.brokerRssMb]);
  } finally {
    await stopBroker(child);
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));

async function main() {
  buildPerfTool();
  const fluxo = await suite('fluxo');
  const kafka = process.argv.includes('--with-kafka') ? await suite('kafka') : undefined;
  console.log(`| measure (median of ${quick ? 1 : 3}) | Fluxo |${kafka ? ' Apache Kafka 4.0 | Fluxo / Kafka |' : ''}`);
  console.log(`| --- | ---: |${kafka ? ' ---: | ---: |' : ''}`);
  fluxo.forEach(([name, value], i) => {
    const other = kafka?.[i]?.[1];
    const extra = other === undefined ? '' : ` ${fmt(other)} | ${(value / other).toFixed(2)} |`;
    console.log(`| ${name} | ${fmt(value)} |${extra}`);
  });
}

await main();
