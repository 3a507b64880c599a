#!/usr/bin/env node
// Consumer groups: rebalance time and offset-commit throughput, against a broker this script starts.
//
//   node bench/groups.mjs [--runs 5] [--commits 2000] [--seconds 3] [--with-kafka] [--out bench/out/groups.json]
//
// Needs `npx tsc -b packages/broker` (the broker runs from packages/broker/dist/src/bin.js).
// --with-kafka repeats everything against Apache Kafka 4.0 (bench/apache-kafka/run.sh; `mvn -q -B package` there first).
//
// (a) Rebalance: kafkajs members (in this process, default round-robin assignor) on a 100-partition topic.
//     join:  9 members are stable; time from the 10th member's run() until all 10 hold their new 10 partitions.
//     leave: time from a member's disconnect() (LeaveGroup) until the other 9 hold all 100 partitions again.
//     Members learn of a rebalance from a heartbeat, so the figures include the client's detection delay:
//     heartbeatInterval and maxWaitTimeInMs are both 100 ms here (kafkajs defaults: 3000 ms and 5000 ms).
// (b) OffsetCommit: a raw client over one connection (generated @fluxo/protocol codecs), group without members
//     (generation -1, as admin tools and assign() consumers commit), 1 and 100 partitions per request.
//     latency: 1 request in flight on one connection; throughput: 8 connections (one group each, as 8 consumers
//     of different groups would) with 8 requests in flight each, for --seconds. Kafka serves one request per
//     connection at a time, so in-flight requests on a single connection would not measure it.
// Prints a Markdown table; the raw samples go to --out.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiKey,
  OffsetCommitRequest,
  OffsetCommitResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RUNS = Number(option('runs', 5));
const LATENCY_COMMITS = Number(option('commits', 2000));
const THROUGHPUT_SECONDS = Number(option('seconds', 3));
const OUT = option('out', join(here, 'out', 'groups.json'));
const WITH_KAFKA = args.includes('--with-kafka');
const PORT = 19094;
const BOOTSTRAP = `127.0.0.1:${PORT}`;
const MEMBERS = 10;
const TOPIC_PARTITIONS = 100;
const CONNECTIONS = 8;
const IN_FLIGHT_PER_CONNECTION = 8;
const WARM_UP_COMMITS = 1000;
const OFFSET_COMMIT_VERSION = 8; // what librdkafka 2.x and the Java client 3.x send

const TARGETS = {
  fluxo: (dataDir) =>
    spawn(
      process.execPath,
      [
        join(root, 'packages/broker/dist/src/bin.js'),
        '--data-dir',
        dataDir,
        '--override',
        `listeners=PLAINTEXT://127.0.0.1:${PORT}`,
        '--override',
        'group.initial.rebalance.delay.ms=0', // as bench/apache-kafka/run.sh sets for Kafka
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  kafka: (dataDir) =>
    spawn(join(here, 'apache-kafka', 'run.sh'), [String(PORT), dataDir], { stdio: ['ignore', 'ignore', 'ignore'] }),
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

async function waitUntil(what, condition, timeoutMs = 60_000) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

async function startTarget(target) {
  const dataDir = mkdtempSync(join(os.tmpdir(), `bench-groups-${target}-`));
  const child = TARGETS[target](dataDir);
  const kafka = new Kafka({ clientId: 'bench-groups', brokers: [BOOTSTRAP], logLevel: logLevel.NOTHING });
  const admin = kafka.admin({ retry: { retries: 0 } });
  const deadline = performance.now() + 90_000;
  for (;;) {
    try {
      await admin.connect();
      break;
    } catch (err) {
      if (performance.now() > deadline) throw err;
      await sleep(200);
    }
  }
  return {
    kafka,
    admin,
    stop: async () => {
      await admin.disconnect();
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------- (a) rebalance ----------

function startMember(kafka, groupId, topic) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 100,
    retry: { retries: 10 },
  });
  const member = { consumer, joins: [] };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member.joins.push({ at: performance.now(), partitions: (payload.memberAssignment[topic] ?? []).length });
  });
  return member;
}

async function runMember(member, topic) {
  await member.consumer.connect();
  await member.consumer.subscribe({ topic, fromBeginning: false });
  const t0 = performance.now();
  await member.consumer.run({ eachMessage: async () => {} });
  return t0;
}

/** Every member joined after `since` with `partitions(i)` partitions; returns when the last one did. */
function settledAt(members, since, accepts) {
  let last = 0;
  for (const m of members) {
    const join = m.joins.findLast((j) => j.at >= since);
    if (join === undefined || !accepts(join.partitions)) return undefined;
    last = Math.max(last, join.at);
  }
  return last;
}

async function rebalanceBench(kafka, admin) {
  const topic = 'bench-rebalance';
  await admin.createTopics({ topics: [{ topic, numPartitions: TOPIC_PARTITIONS }], waitForLeaders: true });
  const groupId = 'bench-rebalance-group';
  const stable = [];
  for (let i = 0; i < MEMBERS - 1; i++) {
    stable.push(startMember(kafka, groupId, topic));
    await runMember(stable.at(-1), topic);
  }
  const perMember = (n) => (p) => p === Math.floor(TOPIC_PARTITIONS / n) || p === Math.ceil(TOPIC_PARTITIONS / n);
  await waitUntil('9 stable members', () => settledAt(stable, 0, perMember(MEMBERS - 1)) !== undefined);
  const join = [];
  const leave = [];
  for (let run = 0; run < RUNS; run++) {
    await sleep(500);
    const tenth = startMember(kafka, groupId, topic);
    const all = [...stable, tenth];
    const t0 = await runMember(tenth, topic);
    await waitUntil('10 members assigned', () => settledAt(all, t0, perMember(MEMBERS)) !== undefined);
    join.push(settledAt(all, t0, perMember(MEMBERS)) - t0);
    await sleep(500);
    const t1 = performance.now();
    await tenth.consumer.disconnect();
    await waitUntil('9 members reassigned', () => settledAt(stable, t1, perMember(MEMBERS - 1)) !== undefined);
    leave.push(settledAt(stable, t1, perMember(MEMBERS - 1)) - t1);
  }
  for (const m of stable) await m.consumer.disconnect();
  return { join, leave };
}

// ---------- (b) offset commits over a raw connection ----------

class RawConnection {
  constructor(socket) {
    this.socket = socket;
    this.pending = new Map();
    this.nextCorrelationId = 1;
    this.buffered = [];
    this.bufferedBytes = 0;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
  }

  static open(port) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  request(apiKey, codec, responseCodec, data, version) {
    const correlationId = this.nextCorrelationId++;
    const w = new Writer(512);
    w.writeInt32(0);
    RequestHeader.encode(
      w,
      { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'bench-groups' },
      requestHeaderVersion(apiKey, version),
    );
    codec.encode(w, data, version);
    w.patchInt32(0, w.length - 4);
    return new Promise((resolve) => {
      this.pending.set(correlationId, (frame) => {
        const r = new Reader(frame);
        ResponseHeader.decode(r, responseHeaderVersion(apiKey, version));
        resolve(responseCodec.decode(r, version));
      });
      this.socket.write(w.toBuffer());
    });
  }

  onData(chunk) {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      if (this.bufferedBytes < 4) return;
      if (this.buffered.length > 1) this.buffered = [Buffer.concat(this.buffered)];
      const all = this.buffered[0];
      const size = all.readInt32BE(0);
      if (all.length < 4 + size) return;
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      this.buffered = rest.length > 0 ? [rest] : [];
      this.bufferedBytes = rest.length;
      const correlationId = frame.readInt32BE(0);
      const resolve = this.pending.get(correlationId);
      this.pending.delete(correlationId);
      resolve(frame);
    }
  }

  close() {
    this.socket.destroy();
  }
}

function commitRequest(groupId, topic, partitions, offset) {
  return OffsetCommitRequest.create({
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    topics: [
      OffsetCommitRequest.createOffsetCommitRequestTopic({
        name: topic,
        partitions: Array.from({ length: partitions }, (_, partitionIndex) =>
          OffsetCommitRequest.createOffsetCommitRequestPartition({
            partitionIndex,
            committedOffset: BigInt(offset),
            committedLeaderEpoch: -1,
            committedMetadata: '',
          }),
        ),
      }),
    ],
  });
}

async function commit(connection, groupId, topic, partitions, offset) {
  const response = await connection.request(
    ApiKey.OffsetCommit,
    OffsetCommitRequest,
    OffsetCommitResponse,
    commitRequest(groupId, topic, partitions, offset),
    OFFSET_COMMIT_VERSION,
  );
  for (const t of response.topics) {
    for (const p of t.partitions) if (p.errorCode !== 0) throw new Error(`commit p${p.partitionIndex}: ${p.errorCode}`);
  }
}

async function commitBench(admin) {
  const topic = 'bench-commit';
  await admin.createTopics({ topics: [{ topic, numPartitions: TOPIC_PARTITIONS }], waitForLeaders: true });
  const connections = [];
  for (let i = 0; i < CONNECTIONS; i++) connections.push(await RawConnection.open(PORT));
  const results = {};
  try {
    for (const partitions of [1, 100]) {
      const group = (i) => `bench-commit-${partitions}-${i}`;
      let offset = 0;
      const [first] = connections;
      for (let i = 0; i < WARM_UP_COMMITS; i++) await commit(first, group(0), topic, partitions, offset++);
      const latencies = [];
      for (let i = 0; i < LATENCY_COMMITS; i++) {
        const t0 = performance.now();
        await commit(first, group(0), topic, partitions, offset++);
        latencies.push(performance.now() - t0);
      }
      latencies.sort((a, b) => a - b);
      let done = 0;
      const until = performance.now() + THROUGHPUT_SECONDS * 1000;
      const t0 = performance.now();
      const lane = async (c) => {
        while (performance.now() < until) {
          await commit(connections[c], group(c), topic, partitions, offset++);
          done++;
        }
      };
      const lanes = connections.flatMap((_, c) => Array.from({ length: IN_FLIGHT_PER_CONNECTION }, () => lane(c)));
      await Promise.all(lanes);
      const seconds = (performance.now() - t0) / 1000;
      results[partitions] = {
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        commitsPerSecond: done / seconds,
        latenciesMs: latencies,
      };
    }
  } finally {
    for (const c of connections) c.close();
  }
  return results;
}

// ---------- driver ----------

async function suite(target) {
  const broker = await startTarget(target);
  try {
    const rebalance = await rebalanceBench(broker.kafka, broker.admin);
    const commits = await commitBench(broker.admin);
    return { rebalance, commits };
  } finally {
    await broker.stop();
  }
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function rows(result) {
  const { rebalance, commits } = result;
  return [
    [
      'rebalance: 10th member joins → all 10 assigned (ms)',
      fmt(median(rebalance.join)),
      rebalance.join.map((x) => fmt(x)).join(', '),
    ],
    [
      'rebalance: 1 of 10 leaves → other 9 assigned (ms)',
      fmt(median(rebalance.leave)),
      rebalance.leave.map((x) => fmt(x)).join(', '),
    ],
    ...[1, 100].flatMap((p) => [
      [`OffsetCommit, ${p} partition(s): p50 latency (ms)`, fmt(commits[p].p50Ms, 2), ''],
      [`OffsetCommit, ${p} partition(s): p99 latency (ms)`, fmt(commits[p].p99Ms, 2), ''],
      [
        `OffsetCommit, ${p} partition(s): commits/s, ${CONNECTIONS}×${IN_FLIGHT_PER_CONNECTION} in flight`,
        fmt(commits[p].commitsPerSecond),
        '',
      ],
    ]),
  ];
}

const targets = WITH_KAFKA ? ['fluxo', 'kafka'] : ['fluxo'];
const results = {};
for (const target of targets) {
  console.error(`running against ${target}...`);
  results[target] = await suite(target);
}
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(
  OUT,
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, cpus: os.cpus().map((c) => c.model), args, results },
    null,
    1,
  ),
);

const header = ['measure', ...targets.flatMap((t) => [t, `${t} runs`])];
const table = [header, header.map(() => '---')];
const perTarget = targets.map((t) => rows(results[t]));
perTarget[0].forEach((row, i) => {
  table.push([row[0], ...perTarget.flatMap((r) => [r[i][1], r[i][2]])]);
});
console.log(`node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}, ${new Date().toISOString()}`);
for (const row of table) console.log(`| ${row.join(' | ')} |`);
