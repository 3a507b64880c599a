// fluxo groups reset-offsets, each target and refusal, with every executed reset read back
// through `groups describe --json`; and groups whose committed offsets outlived their topic.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, json, startBroker } from './harness.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
after(() => broker.stop());

interface ResetView {
  group: string;
  executed: boolean;
  offsets: { topic: string; partition: number; currentOffset: number | null; newOffset: number }[];
  skipped: { topic: string; partition: number; currentOffset: number }[];
}

interface GroupView {
  state: string;
  offsets: {
    topic: string;
    partition: number;
    currentOffset: number | null;
    logEndOffset: number | null;
    lag: number | null;
  }[];
}

const lines = (n: number, prefix: string) => `${Array.from({ length: n }, (_, i) => `${prefix}${i}`).join('\n')}\n`;

async function reset(group: string, ...flags: string[]) {
  return fluxo(['groups', 'reset-offsets', group, ...flags, ...broker.flag]);
}

/** Committed offsets of the group as [topic, partition, offset] (read back, not the command's word). */
async function committed(group: string): Promise<[string, number, number | null][]> {
  const r = await fluxo(['groups', 'describe', group, '--json', ...broker.flag]);
  assert.equal(r.code, 0, r.stderr);
  return json<GroupView[]>(r)[0]!.offsets.map((o) => [o.topic, o.partition, o.currentOffset]);
}

describe('fluxo groups reset-offsets', { concurrency: true }, () => {
  it('moves offsets to an offset, the end, a time and by a shift, clamped to the log', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'ledger', '--partitions', '2', ...b])).code, 0);
    const early = await fluxo(['produce', 'ledger', '--partition', '0', ...b], { input: lines(5, 'early-') });
    assert.equal(early.code, 0, early.stderr);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const produced = await Promise.all([
      fluxo(['produce', 'ledger', '--partition', '0', ...b], { input: lines(5, 'late-') }),
      fluxo(['produce', 'ledger', '--partition', '1', ...b], { input: lines(6, 'other-') }),
    ]);
    assert.deepEqual(
      produced.map((p) => p.code),
      [0, 0],
    );

    // A group that has never existed (Dead) may be given offsets.
    const toOffset = await reset('auditors', '--topic', 'ledger:0', '--to-offset', '3', '--execute', '--json');
    assert.equal(toOffset.code, 0, toOffset.stderr);
    assert.deepEqual(
      json<ResetView>(toOffset).offsets.map((o) => [o.partition, o.newOffset]),
      [[0, 3]],
    );
    assert.deepEqual(await committed('auditors'), [['ledger', 0, 3]]);

    const dryRun = await reset('auditors', '--topic', 'ledger:0', '--to-offset', '7', '--dry-run', '--json');
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.deepEqual(
      [json<ResetView>(dryRun).executed, json<ResetView>(dryRun).offsets.map((o) => [o.currentOffset, o.newOffset])],
      [false, [[3, 7]]],
    );
    assert.deepEqual(await committed('auditors'), [['ledger', 0, 3]], '--dry-run changed nothing');

    const toLatest = await reset('auditors', '--topic', 'ledger', '--to-latest', '--execute');
    assert.equal(toLatest.code, 0, toLatest.stderr);
    assert.deepEqual(await committed('auditors'), [
      ['ledger', 0, 10],
      ['ledger', 1, 6],
    ]);

    const toTime = await reset('auditors', '--topic', 'ledger:0', '--to-datetime', middle, '--execute');
    assert.equal(toTime.code, 0, toTime.stderr);
    assert.deepEqual((await committed('auditors'))[0], ['ledger', 0, 5], 'the first record after the time');

    const shifted = await reset('auditors', '--all-topics', '--shift-by', '100', '--execute', '--json');
    assert.equal(shifted.code, 0, shifted.stderr);
    assert.deepEqual(
      await committed('auditors'),
      [
        ['ledger', 0, 10],
        ['ledger', 1, 6],
      ],
      'clamped to the log end',
    );
    const back = await reset('auditors', '--topic', 'ledger:1', '--shift-by', '-4', '--execute');
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual((await committed('auditors'))[1], ['ledger', 1, 2]);
  });

  it('refuses contradictions (exit 2), a partition that does not exist (exit 2) and an unknown topic (exit 1)', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'narrow', '--partitions', '1', ...b])).code, 0);
    const [both, noPartition, noTopic] = await Promise.all([
      reset('g', '--topic', 'narrow', '--to-earliest', '--execute', '--dry-run'),
      reset('g', '--topic', 'narrow:7', '--to-earliest'),
      reset('g', '--topic', 'nope', '--to-earliest'),
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--execute and --dry-run contradict each other/);
    assert.equal(noPartition.code, 2);
    assert.match(noPartition.stderr, /"narrow" has no partition 7/);
    assert.equal(noTopic.code, 1);
    assert.match(noTopic.stderr, /UNKNOWN_TOPIC_OR_PARTITION: describe topic "nope"/);
  });

  it('describes and resets a group whose offsets outlived a deleted topic, without waiting for it', async () => {
    const b = broker.flag;
    for (const t of ['survivor', 'doomed']) {
      assert.equal((await fluxo(['topics', 'create', t, '--partitions', '2', ...b])).code, 0);
      assert.equal((await fluxo(['produce', t, '--partition', '0', ...b], { input: lines(4, t) })).code, 0);
    }
    for (const t of ['survivor', 'doomed']) {
      const r = await reset('orphans', '--topic', t, '--to-latest', '--execute');
      assert.equal(r.code, 0, r.stderr);
    }
    assert.equal((await fluxo(['topics', 'delete', 'doomed', ...b])).code, 0);

    // Before the fix each waited --timeout-ms for the topic's metadata, then failed.
    const [table, view, dry] = await Promise.all([
      fluxo(['groups', 'describe', 'orphans', ...b]),
      fluxo(['groups', 'describe', 'orphans', '--json', ...b]),
      reset('orphans', '--all-topics', '--to-earliest', '--json'),
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.equal(view.code, 0, view.stderr);
    assert.equal(dry.code, 0, dry.stderr);
    const offsets = json<GroupView[]>(view)[0]!.offsets;
    assert.deepEqual(
      offsets.filter((o) => o.topic === 'survivor').map((o) => [o.partition, o.currentOffset, o.logEndOffset, o.lag]),
      [
        [0, 4, 4, 0],
        [1, 0, 0, 0],
      ],
    );
    assert.deepEqual(
      json<ResetView>(dry).offsets.map((o) => [o.topic, o.partition, o.newOffset]),
      [
        ['survivor', 0, 0],
        ['survivor', 1, 0],
      ],
    );
    // A broker may drop the offsets of a deleted topic (Kafka does, eventually); while they
    // are there they get no end offset or lag, and a reset leaves them alone.
    const orphaned = offsets.filter((o) => o.topic === 'doomed');
    for (const o of orphaned) assert.deepEqual([o.logEndOffset, o.lag], [null, null]);
    assert.match(table.stdout, orphaned.length > 0 ? /\norphans +doomed +0 +4 +- +- +- +- +-\n/ : /survivor/);
    assert.deepEqual(
      json<ResetView>(dry).skipped.map((s) => [s.topic, s.partition]),
      orphaned.map((o) => [o.topic, o.partition]),
    );

    const executed = await reset('orphans', '--all-topics', '--to-earliest', '--execute');
    assert.equal(executed.code, 0, executed.stderr);
    if (orphaned.length > 0) assert.match(executed.stderr, /skipped doomed-0, doomed-1: no longer in the cluster/);
    const after = await committed('orphans');
    assert.deepEqual(
      after.filter(([t]) => t === 'survivor'),
      [
        ['survivor', 0, 0],
        ['survivor', 1, 0],
      ],
    );
  });
});
