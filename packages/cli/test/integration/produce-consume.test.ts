// fluxo produce and fluxo consume (without a group) against a real broker, through the built binary.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, fluxoRunning, json, jsonLines, startBroker } from './harness.js';

interface RecordLine {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  timestampType: string;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
}

let broker: Broker;
const dir = mkdtempSync(join(tmpdir(), 'fluxo-cli-files-'));
before(async () => {
  // No auto-creation: producing to a missing topic must be the cluster's error.
  broker = await startBroker({ 'auto.create.topics.enable': 'false' });
});
after(async () => {
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function createTopic(name: string, partitions: number): Promise<void> {
  const r = await fluxo(['topics', 'create', name, '--partitions', String(partitions), ...broker.flag]);
  assert.equal(r.code, 0, r.stderr);
}

describe('fluxo produce and consume', { concurrency: true }, () => {
  it('round-trips keys, values and headers; keys pick partitions the same way every time', async () => {
    await createTopic('keyed', 3);
    const input = 'alice:1\nbob:2\nalice:3\ncarol:4 with:colon\n';
    const produced = await fluxo(
      [
        'produce',
        'keyed',
        '--key-separator',
        ':',
        '--header',
        'source=cli',
        '--header',
        'v=2',
        '--json',
        ...broker.flag,
      ],
      { input },
    );
    assert.equal(produced.code, 0, produced.stderr);
    const summary = json<{ records: number; partitions: { partition: number; records: number }[] }>(produced);
    assert.equal(summary.records, 4);
    assert.equal(
      summary.partitions.reduce((n, p) => n + p.records, 0),
      4,
    );

    const consumed = await fluxo(['consume', 'keyed', '--from-beginning', '--exit-at-end', '--json', ...broker.flag]);
    assert.equal(consumed.code, 0, consumed.stderr);
    const records = jsonLines<RecordLine>(consumed);
    assert.deepEqual(records.map((r) => `${r.key}=${r.value}`).sort(), [
      'alice=1',
      'alice=3',
      'bob=2',
      'carol=4 with:colon',
    ]);
    for (const r of records) {
      assert.deepEqual(r.headers, [
        { key: 'source', value: 'cli' },
        { key: 'v', value: '2' },
      ]);
      assert.equal(r.timestampType, 'CreateTime');
    }
    const alice = records.filter((r) => r.key === 'alice');
    assert.equal(alice[0]!.partition, alice[1]!.partition, 'one key, one partition');
    assert.ok(alice[0]!.offset < alice[1]!.offset, 'in order within the partition');

    const formatted = await fluxo([
      'consume',
      'keyed',
      '--partition',
      String(alice[0]!.partition),
      '--offset',
      'earliest',
      '--exit-at-end',
      '--format',
      '{key}\\t{value}\\t{partition}:{offset}|{headers}',
      ...broker.flag,
    ]);
    assert.equal(formatted.code, 0, formatted.stderr);
    const lines = formatted.stdout.split('\n').filter((l) => l.length > 0);
    assert.ok(lines.includes(`alice\t1\t${alice[0]!.partition}:${alice[0]!.offset}|source=cli,v=2`), formatted.stdout);
    assert.match(formatted.stderr, new RegExp(`consumed ${lines.length} record`));
  });

  it('a line without the key separator: on stdin the lines before it are produced and counted (exit 1)', async () => {
    await createTopic('strict', 1);
    const r = await fluxo(['produce', 'strict', '--key-separator', '=', ...broker.flag], {
      input: 'a=1\nb=2\nno separator here\nc=3\n',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^produced 2 records to "strict"\n/);
    assert.match(
      r.stderr,
      /line 3: no key separator "=" found: the 2 records before it were produced, nothing after it/,
    );
    const machine = await fluxo(['produce', 'strict', '--key-separator', '=', '--json', ...broker.flag], {
      input: 'd=4\nnope\n',
    });
    assert.equal(machine.code, 1);
    assert.deepEqual(
      [json<{ records: number; complete: boolean }>(machine).records, json<{ complete: boolean }>(machine).complete],
      [1, false],
    );
    assert.equal(JSON.parse(machine.stderr).error, 'CommandError');
    const written = await fluxo([
      'consume',
      'strict',
      '--from-beginning',
      '--exit-at-end',
      '--format',
      '{key}={value}',
      ...broker.flag,
    ]);
    assert.equal(written.stdout, 'a=1\nb=2\nd=4\n');
  });

  it('a line without the key separator in a --file: nothing is sent (exit 2)', async () => {
    await createTopic('checked', 1);
    writeFileSync(join(dir, 'bad-line.txt'), 'a:1\nb:2\nno separator\n');
    const r = await fluxo([
      'produce',
      'checked',
      '--key-separator',
      ':',
      '--file',
      join(dir, 'bad-line.txt'),
      ...broker.flag,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /bad-line\.txt: line 3: no key separator ":" found \(nothing was sent\)/);
    const described = json<{ partitions: { logEndOffset: number }[] }[]>(
      await fluxo(['topics', 'describe', 'checked', '--json', ...broker.flag]),
    );
    assert.equal(described[0]!.partitions[0]!.logEndOffset, 0);
  });

  it('formats {timestamp} and {headers}, starts at --offset latest, and reports an --offset outside the log', async () => {
    await createTopic('stamped', 1);
    const p = await fluxo(['produce', 'stamped', '--header', 'h1=x', '--header', 'h2=y', ...broker.flag], {
      input: 'one\ntwo\n',
    });
    assert.equal(p.code, 0, p.stderr);
    const [asJson, formatted] = await Promise.all([
      fluxo(['consume', 'stamped', '--from-beginning', '--exit-at-end', '--json', ...broker.flag]),
      fluxo([
        'consume',
        'stamped',
        '--from-beginning',
        '--exit-at-end',
        '--format',
        '{timestamp} {headers} {value}',
        ...broker.flag,
      ]),
    ]);
    const records = jsonLines<RecordLine>(asJson);
    assert.equal(records.length, 2);
    assert.ok(records[0]!.timestamp > 1_600_000_000_000, 'a real CreateTime');
    assert.equal(formatted.stdout, `${records.map((r) => `${r.timestamp} h1=x,h2=y ${r.value}`).join('\n')}\n`);

    // --offset latest: nothing of the two, then what comes after.
    const latest = fluxoRunning(['consume', 'stamped', '--offset', 'latest', '--max-messages', '1', ...broker.flag]);
    // Records produced before it has positioned itself are skipped too: produce until one is seen.
    for (let i = 0; i < 20 && latest.output() === ''; i++) {
      assert.equal((await fluxo(['produce', 'stamped', ...broker.flag], { input: 'three\n' })).code, 0);
      await latest.waitFor(/three\n/, 1000).catch(() => {});
    }
    const ended = await latest.exited();
    assert.equal(ended.code, 0, ended.stderr);
    assert.equal(ended.stdout, 'three\n');

    const beyond = await fluxo([
      'consume',
      'stamped',
      '--partition',
      '0',
      '--offset',
      '99',
      '--exit-at-end',
      ...broker.flag,
    ]);
    assert.equal(beyond.code, 0, beyond.stderr);
    assert.equal(beyond.stdout, '');
    assert.match(
      beyond.stderr,
      /--offset 99 is outside stamped-0's offsets 0\.\.(\d+): starting at the end \(\1\), as auto\.offset\.reset=latest/,
    );
  });

  it('produces from a file to a chosen partition with compression and acks, then reads from offsets and timestamps', async () => {
    await createTopic('placed', 2);
    const first = Array.from({ length: 50 }, (_, i) => `first-${i}`);
    writeFileSync(join(dir, 'first.txt'), `${first.join('\n')}\n`);
    // What the flags do to the batches is checked in produce-flags.test.ts; here the records must read back.
    for (const [compression, acks] of [
      ['zstd', 'all'],
      ['lz4', '1'],
    ] as const) {
      const r = await fluxo([
        'produce',
        'placed',
        '--file',
        join(dir, 'first.txt'),
        '--partition',
        '1',
        '--compression',
        compression,
        '--acks',
        acks,
        '--json',
        ...broker.flag,
      ]);
      assert.equal(r.code, 0, `${compression}: ${r.stderr}`);
      assert.deepEqual(
        json<{ partitions: { partition: number; records: number }[] }>(r).partitions.map((p) => [
          p.partition,
          p.records,
        ]),
        [[1, 50]],
      );
    }
    const noIdempotence = await fluxo(
      ['produce', 'placed', '--partition', '1', '--acks', '0', '--no-idempotence', ...broker.flag],
      { input: 'fire-and-forget\n' },
    );
    assert.equal(noIdempotence.code, 0, noIdempotence.stderr);
    const boundary = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = await fluxo(['produce', 'placed', '--partition', '1', ...broker.flag], { input: 'late-1\nlate-2\n' });
    assert.equal(later.code, 0, later.stderr);

    const all = jsonLines<RecordLine>(
      await fluxo(['consume', 'placed', '--from-beginning', '--exit-at-end', '--json', ...broker.flag]),
    );
    assert.equal(all.length, 103);
    assert.ok(all.every((r) => r.partition === 1));
    assert.deepEqual(
      all.map((r) => r.offset),
      Array.from({ length: 103 }, (_, i) => i),
    );
    assert.deepEqual(
      all.slice(0, 50).map((r) => r.value),
      first,
      'zstd batch decoded in order',
    );
    assert.equal(all[100]!.value, 'fire-and-forget');

    const fromOffset = await fluxo([
      'consume',
      'placed',
      '--partition',
      '1',
      '--offset',
      '49',
      '--max-messages',
      '2',
      ...broker.flag,
    ]);
    assert.equal(fromOffset.code, 0, fromOffset.stderr);
    assert.equal(fromOffset.stdout, 'first-49\nfirst-0\n');

    const fromTime = await fluxo([
      'consume',
      'placed',
      '--from-timestamp',
      new Date(boundary).toISOString(),
      '--exit-at-end',
      ...broker.flag,
    ]);
    assert.equal(fromTime.code, 0, fromTime.stderr);
    assert.equal(fromTime.stdout, 'late-1\nlate-2\n');
    const fromMs = await fluxo([
      'consume',
      'placed',
      '--from-timestamp',
      String(Date.now() + 60_000),
      '--exit-at-end',
      ...broker.flag,
    ]);
    assert.equal(fromMs.stdout, '', 'a future time starts at the end');

    const missingFile = await fluxo(['produce', 'placed', '--file', join(dir, 'missing.txt'), ...broker.flag]);
    assert.equal(missingFile.code, 1);
    assert.match(missingFile.stderr, /ENOENT.*missing\.txt/);
    const badPartition = await fluxo(['consume', 'placed', '--partition', '7', ...broker.flag]);
    assert.equal(badPartition.code, 2);
    assert.match(badPartition.stderr, /has no partition 7/);
  });

  it('follows new records until interrupted, and stops after --max-messages or --idle-timeout-ms', async () => {
    await createTopic('live', 1);
    // Starting from "now" rather than the end: however slowly the consumers start,
    // they cannot miss records produced after this instant.
    const now = String(Date.now());
    const follower = fluxoRunning(['consume', 'live', '--from-timestamp', now, ...broker.flag]);
    const limited = fluxo(['consume', 'live', '--from-timestamp', now, '--max-messages', '2', ...broker.flag], {
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const p = await fluxo(['produce', 'live', ...broker.flag], { input: 'one\ntwo\nthree\n' });
    assert.equal(p.code, 0, p.stderr);
    await follower.waitFor(/three\n/);
    const stopped = await follower.stop('SIGINT');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(stopped.stdout, 'one\ntwo\nthree\n');
    assert.match(stopped.stderr, /consumed 3 records/);
    const two = await limited;
    assert.equal(two.code, 0, two.stderr);
    assert.equal(two.stdout, 'one\ntwo\n');

    // Without a start option a consumer starts at the end: nothing of the three records.
    const idle = await fluxo(['consume', 'live', '--idle-timeout-ms', '600', ...broker.flag]);
    assert.equal(idle.code, 0, idle.stderr);
    assert.equal(idle.stdout, '');
    assert.ok(idle.elapsedMs >= 600, `${idle.elapsedMs} ms`);
  });

  it('reports an unknown topic as a cluster error (exit 1)', async () => {
    const consume = await fluxo(['consume', 'ghost', '--exit-at-end', ...broker.flag]);
    assert.equal(consume.code, 1);
    assert.match(consume.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
    const produce = await fluxo(['produce', 'ghost', '--timeout-ms', '1000', ...broker.flag], { input: 'x\n' });
    assert.equal(produce.code, 1);
    assert.match(produce.stderr, /ghost/);
  });
});
