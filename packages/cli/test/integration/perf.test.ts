// fluxo perf produce / perf consume against a real broker, through the built binary.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, json, startBroker } from './harness.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
after(() => broker.stop());

interface Report {
  topic: string;
  records: number;
  bytes: number;
  durationMs: number;
  recordsPerSec: number;
  mbPerSec: number;
  latencyMs: { avg: number; p50: number; p95: number; p99: number; p999: number; max: number };
  interrupted: boolean;
}

interface ConsumeReport extends Report {
  group: string | null;
  rebalanceMs: number | null;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  idleTimeoutMs: number;
}

function checkReport(r: Report): void {
  const l = r.latencyMs;
  assert.ok(l.p50 > 0 && l.p50 <= l.p95 && l.p95 <= l.p99 && l.p99 <= l.p999 && l.p999 <= l.max, JSON.stringify(l));
  assert.ok(l.avg > 0 && l.avg <= l.max);
  const seconds = r.durationMs / 1000;
  // Within rounding (the duration is printed to 0.1 ms).
  assert.ok(Math.abs(r.recordsPerSec / (r.records / seconds) - 1) < 0.001, 'records/s is records over the duration');
  assert.ok(Math.abs(r.mbPerSec - r.bytes / 1024 / 1024 / seconds) <= 0.01 + r.mbPerSec * 0.001);
}

describe('fluxo perf', () => {
  it('produces a record count, reports throughput and latency percentiles, and the records are in the log', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'bench', '--partitions', '2', ...b])).code, 0);
    const r = await fluxo([
      'perf',
      'produce',
      'bench',
      '--num-records',
      '20000',
      '--record-size',
      '200',
      '--acks',
      '1',
      '--compression',
      'lz4',
      '--linger-ms',
      '2',
      '--batch-size',
      '65536',
      '--json',
      ...b,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no progress line when stderr is not a terminal');
    const report = json<Report & Record<string, unknown>>(r);
    assert.equal(report.records, 20000);
    assert.equal(report.bytes, 20000 * 200);
    checkReport(report);
    // The settings used, defaults included: acks 1 turns the client's idempotence off.
    assert.deepEqual(
      [report.acks, report.compression, report.idempotence, report.lingerMs, report.batchSize, report.recordSize],
      [1, 'lz4', false, 2, 65536, 200],
    );
    assert.deepEqual([report.throughput, report.interrupted], [-1, false]);

    const described = json<{ partitions: { logEndOffset: number }[] }[]>(
      await fluxo(['topics', 'describe', 'bench', '--json', ...b]),
    );
    assert.equal(
      described[0]!.partitions.reduce((n, p) => n + p.logEndOffset, 0),
      20000,
    );

    const consumed = await fluxo(['perf', 'consume', 'bench', '--messages', '20000', '--json', ...b]);
    assert.equal(consumed.code, 0, consumed.stderr);
    const c = json<ConsumeReport>(consumed);
    assert.equal(c.records, 20000);
    assert.equal(c.bytes, 20000 * 200);
    checkReport(c);
    assert.deepEqual(
      [c.group, c.rebalanceMs, c.fetchMaxBytes, c.maxPartitionFetchBytes, c.idleTimeoutMs, c.interrupted],
      [null, null, 52428800, 1048576, 5000, false],
      'the defaults used',
    );

    // Small fetches (each returns at least one batch, as Kafka's do) still read everything.
    const small = await fluxo([
      'perf',
      'consume',
      'bench',
      '--messages',
      '20000',
      '--fetch-max-bytes',
      '4096',
      '--max-partition-fetch-bytes',
      '2048',
      '--json',
      ...b,
    ]);
    assert.equal(small.code, 0, small.stderr);
    const s = json<ConsumeReport>(small);
    assert.deepEqual([s.records, s.fetchMaxBytes, s.maxPartitionFetchBytes], [20000, 4096, 2048]);

    const table = await fluxo(['perf', 'consume', 'bench', '--messages', '100', ...b]);
    assert.match(
      table.stdout,
      /^RECORDS +SECONDS +RECORDS\/S +MB\/S +AVG-MS +P50-MS +P95-MS +P99-MS +P99\.9-MS +MAX-MS\n +100 +/,
    );
  });

  it('holds a target throughput for a duration', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'paced', ...b])).code, 0);
    const r = await fluxo([
      'perf',
      'produce',
      'paced',
      '--duration-ms',
      '1500',
      '--throughput',
      '1000',
      '--record-size',
      '10',
      '--json',
      ...b,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = json<Report>(r);
    checkReport(report);
    assert.ok(report.records >= 1300 && report.records <= 1600, `${report.records} records in 1.5 s at 1000/s`);
    assert.ok(report.recordsPerSec <= 1100, `${report.recordsPerSec} records/s`);
  });

  it('fails on a missing topic with the cluster error (exit 1)', async () => {
    const r = await fluxo(['perf', 'produce', 'ghost', '--num-records', '10', ...broker.flag]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
  });
  it('perf consume stops at --duration-ms or --idle-timeout-ms, and reads as a group member with --group', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'stock', '--partitions', '2', ...b])).code, 0);
    const seeded = await fluxo(['perf', 'produce', 'stock', '--num-records', '500', '--record-size', '50', ...b]);
    assert.equal(seeded.code, 0, seeded.stderr);

    const [idle, timed, grouped] = await Promise.all([
      // Far more messages than exist: the idle timeout ends it, and the wait is not counted.
      fluxo(['perf', 'consume', 'stock', '--messages', '100000', '--idle-timeout-ms', '700', '--json', ...b]),
      // The duration ends it: the idle timeout is far longer.
      fluxo(['perf', 'consume', 'stock', '--duration-ms', '1500', '--idle-timeout-ms', '60000', '--json', ...b]),
      fluxo(['perf', 'consume', 'stock', '--messages', '500', '--group', 'perf-readers', '--json', ...b]),
    ]);
    assert.equal(idle.code, 0, idle.stderr);
    const i = json<ConsumeReport>(idle);
    assert.deepEqual([i.records, i.idleTimeoutMs], [500, 700]);
    assert.ok(idle.elapsedMs >= 700, `${idle.elapsedMs} ms`);

    assert.equal(timed.code, 0, timed.stderr);
    const t = json<ConsumeReport>(timed);
    assert.equal(t.records, 500);
    assert.ok(timed.elapsedMs >= 1500, `${timed.elapsedMs} ms: ended before --duration-ms`);
    assert.ok(timed.elapsedMs < 30_000, 'ended by the duration, not the idle timeout');

    assert.equal(grouped.code, 0, grouped.stderr);
    const g = json<ConsumeReport>(grouped);
    assert.equal(g.records, 500);
    assert.equal(g.group, 'perf-readers');
    assert.ok(g.rebalanceMs !== null && g.rebalanceMs >= 0);
    // It was a member: the group exists, empty now, with its offsets committed at the end.
    const described = json<{ state: string; offsets: { currentOffset: number; logEndOffset: number }[] }[]>(
      await fluxo(['groups', 'describe', 'perf-readers', '--json', ...b]),
    )[0]!;
    assert.equal(described.state, 'Empty');
    assert.equal(
      described.offsets.reduce((n, o) => n + o.currentOffset, 0),
      500,
    );
  });
});
