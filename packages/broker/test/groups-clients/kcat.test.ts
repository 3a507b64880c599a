import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type kafkajs from 'kafkajs';
import { type RunningBroker, removeDir } from '../integration/harness.js';
import {
  committedOffsets,
  createTopic,
  kafkaFor,
  produceSpread,
  recordValue,
  SUITE_TIMEOUT_MS,
  startGroupBroker,
  WatchedProcess,
  waitFor,
} from './group-helpers.js';

/**
 * Two `kcat -G` processes (librdkafka's balanced consumer, eager range
 * assignor, auto-commit) in one group share a 4-partition topic: each reports
 * its own half, reads exactly the records of that half, and on SIGTERM commits
 * the end offsets. When one is SIGKILLed, its session expires and the other
 * takes over its partitions from their committed offsets.
 */
const PARTITIONS = 4;
const RECORDS = 400;

let broker: RunningBroker;
let kafka: kafkajs.Kafka;

before(async () => {
  broker = await startGroupBroker();
  kafka = kafkaFor(broker);
});
after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

function startKcat(group: string, topic: string, extra: string[] = []): WatchedProcess {
  return new WatchedProcess('kcat', [
    '-b',
    broker.bootstrap,
    '-u',
    '-G',
    group,
    '-X',
    'heartbeat.interval.ms=100',
    '-X',
    'session.timeout.ms=6000',
    '-X',
    'auto.offset.reset=earliest',
    '-X',
    'fetch.wait.max.ms=50',
    '-f',
    '%p %o %s\\n',
    ...extra,
    topic,
  ]);
}

/** The partitions of the latest "assigned:" line kcat printed, or [] after a revoke. */
function currentAssignment(kcat: WatchedProcess, topic: string): number[] {
  const rebalances = kcat.stderrLines.filter((l) => l.includes('rebalanced'));
  const last = rebalances.at(-1);
  if (last === undefined || !last.includes('assigned:')) return [];
  return [...last.matchAll(new RegExp(`${topic} \\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1])).sort();
}

/** Starts two kcat members, one after the other, and waits until each owns half the partitions. */
async function startPair(group: string, topic: string, extras: string[][] = [[], []]): Promise<WatchedProcess[]> {
  await createTopic(kafka, topic, PARTITIONS);
  const pair = [startKcat(group, topic, extras[0])];
  try {
    await waitFor(
      'the first kcat to own all partitions',
      () => currentAssignment(pair[0]!, topic).length === PARTITIONS,
    );
    pair.push(startKcat(group, topic, extras[1]));
    await waitFor('both kcat processes to own half', () =>
      pair.every((k) => currentAssignment(k, topic).length === PARTITIONS / 2),
    );
    return pair;
  } catch (err) {
    await Promise.all(pair.map((k) => k.stop()));
    throw err;
  }
}

/** The lines kcat prints (`%p %o %s`) for records `first`.. of produceSpread in `partitions`. */
function expectedLines(topic: string, partitions: readonly number[], count: number, first = 0): string[] {
  const mine = new Set(partitions);
  return Array.from({ length: count }, (_, k) => first + k)
    .filter((n) => mine.has(n % PARTITIONS))
    .map((n) => `${n % PARTITIONS} ${Math.floor(n / PARTITIONS)} ${recordValue(topic, n)}`)
    .sort();
}

describe('kcat -G balanced consumers', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('two kcat processes share 4 partitions 2+2, read every record once and commit on exit', async () => {
    const topic = 'kcat-shared';
    const group = 'kcat-group';
    const both = await startPair(group, topic);
    try {
      const owned = both.map((k) => currentAssignment(k, topic));
      assert.deepEqual([...owned[0]!, ...owned[1]!].sort(), [0, 1, 2, 3]);

      await produceSpread(kafka, topic, PARTITIONS, RECORDS);
      const records = () => both.flatMap((k) => k.stdoutLines);
      await waitFor(`${RECORDS} records across both`, () => records().length >= RECORDS);
      for (const k of both) k.signal('SIGTERM');
      assert.deepEqual(await Promise.all(both.map((k) => k.exited)), [0, 0]);

      for (const [i, k] of both.entries()) {
        const want = expectedLines(topic, owned[i]!, RECORDS);
        assert.deepEqual([...k.stdoutLines].sort(), want, `kcat ${i} reads exactly partitions ${owned[i]}`);
      }
      assert.deepEqual(await committedOffsets(kafka, group, topic), Array(PARTITIONS).fill(RECORDS / PARTITIONS));
    } finally {
      await Promise.all(both.map((k) => k.stop()));
    }
  });

  it("a killed member's session expires; the survivor takes its partitions and redelivers what it never committed", async () => {
    const topic = 'kcat-failover';
    const group = 'kcat-failover-group';
    // A short session so expiry is quick. The victim never commits (kcat's -X puts auto.commit.interval.ms
    // in the topic config, so the interval cannot be shortened and commits would come at a random point).
    const session = ['-X', 'session.timeout.ms=1500'];
    const [survivor, victim] = await startPair(group, topic, [session, [...session, '-X', 'enable.auto.commit=false']]);
    try {
      const survivorOwns = currentAssignment(survivor!, topic);
      const victimOwns = currentAssignment(victim!, topic);
      await produceSpread(kafka, topic, PARTITIONS, RECORDS);
      await waitFor('every record read', () => survivor!.stdoutLines.length + victim!.stdoutLines.length >= RECORDS);
      assert.deepEqual([...victim!.stdoutLines].sort(), expectedLines(topic, victimOwns, RECORDS));
      const before = survivor!.stdoutLines.length;

      const killedAt = performance.now();
      victim!.signal('SIGKILL'); // no LeaveGroup: only the session timeout can free its partitions
      await waitFor(
        'the survivor to own every partition',
        () => currentAssignment(survivor!, topic).length === PARTITIONS,
      );
      const takeoverMs = performance.now() - killedAt;
      assert.ok(takeoverMs >= 1000, `reassigned after ${takeoverMs} ms, before the session could expire`);

      await produceSpread(kafka, topic, PARTITIONS, 40, RECORDS);
      const want = [...expectedLines(topic, victimOwns, RECORDS), ...expectedLines(topic, [0, 1, 2, 3], 40, RECORDS)];
      await waitFor('the redelivered and new records', () => survivor!.stdoutLines.length >= before + want.length);
      await new Promise((resolve) => setTimeout(resolve, 300)); // would catch records it had already committed
      assert.deepEqual(
        survivor!.stdoutLines.slice(before).sort(),
        want.sort(),
        `the victim's partitions (${victimOwns}) from the start, the survivor's own (${survivorOwns}) from its commit on revoke`,
      );
    } finally {
      await Promise.all([survivor!.stop(), victim!.stop()]);
    }
  });
});
