// fluxo consume --group and fluxo groups … against a real broker with the group coordinator.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxo, fluxoRunning, json, startBroker } from './harness.js';

let broker: Broker;
before(async () => {
  // Kafka's test setting: no 3 s wait for more members before the first assignment.
  broker = await startBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
after(() => broker.stop());

interface GroupView {
  groupId: string;
  state: string;
  protocol: string;
  members: { memberId: string; clientId: string; assignment: { topic: string; partition: number }[] }[];
  offsets: {
    topic: string;
    partition: number;
    currentOffset: number | null;
    logEndOffset: number;
    lag: number | null;
    memberId: string | null;
  }[];
}

interface ResetView {
  group: string;
  executed: boolean;
  offsets: { topic: string; partition: number; currentOffset: number | null; newOffset: number }[];
}

const lines = (n: number, from = 0) => `${Array.from({ length: n }, (_, i) => `m${from + i}`).join('\n')}\n`;

describe('fluxo groups', { concurrency: true }, () => {
  it('consumes in a group, shows lag, resets offsets (dry run, then --execute) and deletes the group', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'orders', '--partitions', '2', ...b])).code, 0);
    const p0 = await fluxo(['produce', 'orders', '--partition', '0', ...b], { input: lines(6) });
    const p1 = await fluxo(['produce', 'orders', '--partition', '1', ...b], { input: lines(4, 100) });
    assert.deepEqual([p0.code, p1.code], [0, 0], p0.stderr + p1.stderr);

    // The first member reads 3 records and commits exactly those.
    const some = await fluxo([
      'consume',
      'orders',
      '--group',
      'billing',
      '--from-beginning',
      '--max-messages',
      '3',
      ...b,
    ]);
    assert.equal(some.code, 0, some.stderr);
    assert.equal(some.stdout.split('\n').filter(Boolean).length, 3);

    // (The other test's group "watchers" may be listed too: both run at once.)
    const listed = json<{ groupId: string; state: string; protocolType: string }[]>(
      await fluxo(['groups', 'list', '--json', ...b]),
    );
    assert.deepEqual(
      listed.filter((g) => g.groupId === 'billing'),
      [{ groupId: 'billing', protocolType: 'consumer', state: 'Empty' }],
    );
    const empty = json<{ groupId: string; state: string }[]>(
      await fluxo(['groups', 'list', '--state', 'Empty', '--json', ...b]),
    );
    assert.ok(empty.some((g) => g.groupId === 'billing'));
    assert.ok(
      empty.every((g) => g.state === 'Empty'),
      'only Empty groups',
    );

    const described = json<GroupView[]>(await fluxo(['groups', 'describe', 'billing', '--json', ...b]));
    const lagOf = (v: GroupView) => v.offsets.reduce((n, o) => n + (o.lag ?? o.logEndOffset), 0);
    assert.equal(described[0]!.state, 'Empty');
    // Without members, the partitions listed are those with a committed offset.
    assert.equal(
      described[0]!.offsets.reduce((n, o) => n + (o.currentOffset ?? 0), 0),
      3,
      '3 records committed',
    );
    for (const o of described[0]!.offsets) {
      assert.equal(o.logEndOffset, o.partition === 0 ? 6 : 4);
      assert.equal(o.lag, o.logEndOffset - o.currentOffset!);
    }

    // A second run continues where the first stopped: the other 7 records (--from-beginning
    // only matters for a partition without a committed offset).
    const rest = await fluxo(['consume', 'orders', '--group', 'billing', '--from-beginning', '--exit-at-end', ...b]);
    assert.equal(rest.code, 0, rest.stderr);
    const all = [...some.stdout.split('\n'), ...rest.stdout.split('\n')].filter(Boolean).sort();
    assert.deepEqual(all, [...lines(6).split('\n'), ...lines(4, 100).split('\n')].filter(Boolean).sort());
    const table = await fluxo(['groups', 'describe', '--group', 'billing', ...b]);
    assert.match(table.stdout, /\nbilling +orders +0 +6 +6 +0 +- +- +-\nbilling +orders +1 +4 +4 +0 +- +- +-\n$/);

    // Reset: a dry run changes nothing; --execute does, clamped to the log.
    const dry = json<ResetView>(
      await fluxo(['groups', 'reset-offsets', 'billing', '--topic', 'orders', '--to-earliest', '--json', ...b]),
    );
    assert.equal(dry.executed, false);
    assert.deepEqual(
      dry.offsets.map((o) => [o.partition, o.currentOffset, o.newOffset]),
      [
        [0, 6, 0],
        [1, 4, 0],
      ],
    );
    assert.equal(lagOf(json<GroupView[]>(await fluxo(['groups', 'describe', 'billing', '--json', ...b]))[0]!), 0);

    const shifted = await fluxo([
      'groups',
      'reset-offsets',
      'billing',
      '--topic',
      'orders:0',
      '--shift-by',
      '-2',
      '--execute',
      '--json',
      ...b,
    ]);
    assert.equal(shifted.code, 0, shifted.stderr);
    assert.deepEqual(
      json<ResetView>(shifted).offsets.map((o) => [o.partition, o.newOffset]),
      [[0, 4]],
    );
    const toOffset = await fluxo([
      'groups',
      'reset-offsets',
      'billing',
      '--all-topics',
      '--to-offset',
      '99',
      '--execute',
      '--json',
      ...b,
    ]);
    assert.deepEqual(
      json<ResetView>(toOffset).offsets.map((o) => [o.partition, o.newOffset]),
      [
        [0, 6],
        [1, 4],
      ],
      'clamped to the log end',
    );
    const toLatest = await fluxo(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-latest', '--json', ...b]);
    assert.deepEqual(
      json<ResetView>(toLatest).offsets.map((o) => o.newOffset),
      [6, 4],
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const toTime = await fluxo([
      'groups',
      'reset-offsets',
      'billing',
      '--all-topics',
      '--to-datetime',
      '2000-01-01T00:00:00Z',
      '--execute',
      ...b,
    ]);
    assert.equal(toTime.code, 0, toTime.stderr);
    assert.match(
      toTime.stdout,
      /^GROUP +TOPIC +PARTITION +CURRENT-OFFSET +NEW-OFFSET\nbilling +orders +0 +6 +0\nbilling +orders +1 +4 +0\n$/,
    );
    const toFuture = json<ResetView>(
      await fluxo(['groups', 'reset-offsets', 'billing', '--all-topics', '--to-datetime', future, '--json', ...b]),
    );
    assert.deepEqual(
      toFuture.offsets.map((o) => o.newOffset),
      [6, 4],
      'no record after the time: the end',
    );
    assert.equal(lagOf(json<GroupView[]>(await fluxo(['groups', 'describe', 'billing', '--json', ...b]))[0]!), 10);

    const again = await fluxo(['consume', 'orders', '--group', 'billing', '--exit-at-end', ...b]);
    assert.equal(again.stdout.split('\n').filter(Boolean).length, 10, 'the reset made the group read everything again');

    const deleted = await fluxo(['groups', 'delete', 'billing', ...b]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /deleted group "billing"/);
    assert.ok(
      !json<{ groupId: string }[]>(await fluxo(['groups', 'list', '--json', ...b])).some(
        (g) => g.groupId === 'billing',
      ),
    );
    const [gone, described404] = await Promise.all([
      fluxo(['groups', 'delete', 'billing', ...b]),
      fluxo(['groups', 'describe', 'billing', ...b]),
    ]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /GROUP_ID_NOT_FOUND/);
    assert.equal(described404.code, 1);
    assert.match(described404.stderr, /consumer group "billing" does not exist/);
  });

  it('describes an active member and refuses to reset or delete its group (exit 1)', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'live', '--partitions', '2', ...b])).code, 0);
    const member = fluxoRunning(['consume', 'live', '--group', 'watchers', ...b]);
    try {
      let view: GroupView | undefined;
      // Each check is a process (~0.5 s of CPU): poll slowly, for up to 20 s.
      for (let i = 0; i < 20 && view?.state !== 'Stable'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const r = await fluxo(['groups', 'describe', 'watchers', '--json', ...b]);
        if (r.code === 0) view = json<GroupView[]>(r)[0];
      }
      assert.equal(view?.state, 'Stable');
      assert.equal(view!.members.length, 1);
      assert.equal(view!.members[0]!.clientId, 'fluxo-cli');
      assert.deepEqual(view!.members[0]!.assignment.map((tp) => tp.partition).sort(), [0, 1]);
      assert.ok(view!.offsets.every((o) => o.memberId === view!.members[0]!.memberId));

      const reset = await fluxo([
        'groups',
        'reset-offsets',
        'watchers',
        '--all-topics',
        '--to-earliest',
        '--execute',
        ...b,
      ]);
      assert.equal(reset.code, 1);
      assert.match(reset.stderr, /group "watchers" is inactive, but it is Stable/);
      const del = await fluxo(['groups', 'delete', 'watchers', ...b]);
      assert.equal(del.code, 1);
      assert.match(del.stderr, /NON_EMPTY_GROUP/);

      const produced = await fluxo(['produce', 'live', ...b], { input: 'hello\n' });
      assert.equal(produced.code, 0);
      await member.waitFor(/hello\n/);
    } finally {
      const stopped = await member.stop('SIGTERM');
      assert.equal(stopped.code, 0, stopped.stderr);
    }
    // The member left on exit and committed what it printed.
    const after = json<GroupView[]>(await fluxo(['groups', 'describe', 'watchers', '--json', ...b]))[0]!;
    assert.equal(after.state, 'Empty');
    assert.equal(
      after.offsets.reduce((n, o) => n + (o.currentOffset ?? 0), 0),
      1,
    );
  });
  it('shows a member that owns no partition as a row of its own, as Kafka does', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'single', '--partitions', '1', ...b])).code, 0);
    const members = [
      fluxoRunning(['consume', 'single', '--group', 'pair', ...b]),
      fluxoRunning(['consume', 'single', '--group', 'pair', ...b]),
    ];
    try {
      let view: GroupView | undefined;
      for (let i = 0; i < 30 && !(view?.state === 'Stable' && view.members.length === 2); i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const r = await fluxo(['groups', 'describe', 'pair', '--json', ...b]);
        if (r.code === 0) view = json<GroupView[]>(r)[0];
      }
      assert.equal(view?.state, 'Stable');
      assert.equal(view!.members.length, 2);
      const idle = view!.members.find((m) => m.assignment.length === 0);
      const owner = view!.members.find((m) => m.assignment.length === 1);
      assert.ok(idle !== undefined && owner !== undefined, JSON.stringify(view!.members));

      const table = await fluxo(['groups', 'describe', 'pair', ...b]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /\npair +Stable +range +1 +2\n/);
      const rows = table.stdout.split('\n\n')[1]!.trim().split('\n').slice(1);
      assert.equal(rows.length, 2, table.stdout);
      assert.match(rows.find((r) => r.includes(owner!.memberId))!, /^pair +single +0 +- +0 +- +\S+ +\S+ +fluxo-cli$/);
      assert.match(
        rows.find((r) => r.includes(idle!.memberId))!,
        new RegExp(`^pair +- +- +- +- +- +${idle!.memberId} +\\S+ +fluxo-cli$`),
      );
    } finally {
      for (const m of members) {
        const stopped = await m.stop('SIGTERM');
        assert.equal(stopped.code, 0, stopped.stderr);
      }
    }
  });

  it('on a closed pipe (| head) stops, commits what it printed and leaves the group', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'piped', '--partitions', '1', ...b])).code, 0);
    assert.equal((await fluxo(['produce', 'piped', ...b], { input: lines(5) })).code, 0);
    const member = fluxoRunning(['consume', 'piped', '--group', 'readers', '--from-beginning', ...b]);
    await member.waitFor(/m4\n/);
    // The reader quits; the next record printed meets EPIPE.
    member.closeStdout();
    assert.equal((await fluxo(['produce', 'piped', ...b], { input: lines(3, 5) })).code, 0);
    const ended = await Promise.race([
      member.exited(),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
    ]);
    if (ended === null) await member.stop('SIGKILL');
    assert.ok(ended !== null, 'the consumer ended by itself');
    assert.equal(ended.code, 0, ended.stderr);
    assert.match(ended.stderr, /consumed 5 records/);

    // It left (no ghost member until the session times out) and committed exactly the 5 printed.
    const view = json<GroupView[]>(await fluxo(['groups', 'describe', 'readers', '--json', ...b]))[0]!;
    assert.equal(view.state, 'Empty');
    assert.deepEqual(
      view.offsets.map((o) => [o.partition, o.currentOffset, o.lag]),
      [[0, 5, 3]],
    );
    const rest = await fluxo(['consume', 'piped', '--group', 'readers', '--exit-at-end', ...b]);
    assert.equal(rest.stdout, lines(3, 5));
  });

  it('deletes several groups, one result each in JSON; exit 1 when one is missing', async () => {
    const b = broker.flag;
    assert.equal((await fluxo(['topics', 'create', 'kept', '--partitions', '1', ...b])).code, 0);
    const reset = await fluxo([
      'groups',
      'reset-offsets',
      'doomed-group',
      '--topic',
      'kept',
      '--to-earliest',
      '--execute',
      ...b,
    ]);
    assert.equal(reset.code, 0, reset.stderr);
    const r = await fluxo(['groups', 'delete', 'doomed-group', 'never-was', '--json', ...b]);
    assert.equal(r.code, 1);
    assert.deepEqual(json(r), [
      { groupId: 'doomed-group', deleted: true, error: null },
      {
        groupId: 'never-was',
        deleted: false,
        error: { name: 'GROUP_ID_NOT_FOUND', message: 'delete group "never-was": The group id does not exist.' },
      },
    ]);
    assert.deepEqual(JSON.parse(r.stderr), {
      error: 'GROUP_ID_NOT_FOUND',
      message: 'delete group "never-was": The group id does not exist.',
    });
  });
});
