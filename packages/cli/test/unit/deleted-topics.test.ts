// Offsets that outlived their topic, whatever the cluster does with them: against a stand-in
// Admin that would hang, as the real client does, if asked for a deleted topic's offsets.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Admin, GroupDescription } from '@fluxo/client';
import { parseCommand } from '../../src/cli/args.js';
import { lagOf } from '../../src/commands/group-lag.js';
import { planReset } from '../../src/commands/group-reset.js';

/** A cluster with topic "kept" (2 partitions, 10 records each) and a group with offsets for "gone" too. */
function fakeAdmin(): Admin {
  const fake = {
    listConsumerGroupOffsets: async () => [
      { topic: 'gone', partition: 0, offset: 7n, error: null },
      { topic: 'kept', partition: 0, offset: 3n, error: null },
      { topic: 'kept', partition: 5, offset: 1n, error: null },
    ],
    listTopics: async () => ['kept'],
    describeTopics: async (names: string[]) => {
      assert.deepEqual(names, ['kept'], 'only existing topics are described');
      return [{ name: 'kept', topicId: 'x', isInternal: false, partitions: [{ partition: 0 }, { partition: 1 }] }];
    },
    listOffsets: async (queries: { topic: string; partition: number; spec: unknown }[]) => {
      for (const q of queries) {
        if (q.topic !== 'kept' || q.partition > 1) throw new Error(`asked for ${q.topic}-${q.partition}: would wait`);
      }
      return queries.map((q) => ({ ...q, offset: q.spec === 'earliest' ? 0n : 10n, timestamp: -1n, leaderEpoch: 0 }));
    },
  };
  return fake as unknown as Admin;
}

const group: GroupDescription = {
  groupId: 'g',
  state: 'Empty',
  protocolType: 'consumer',
  protocol: '',
  members: [],
  coordinator: 1,
};

describe('offsets of deleted topics', () => {
  it('get no end offset or lag, and no ListOffsets is sent for them', async () => {
    const rows = await lagOf(fakeAdmin(), group);
    assert.deepEqual(
      rows.map((r) => [r.topic, r.partition, r.currentOffset, r.logEndOffset, r.lag]),
      [
        ['gone', 0, 7n, null, null],
        ['kept', 0, 3n, 10n, 7n],
        // A partition beyond the topic's count (deleted and re-created smaller) is gone too.
        ['kept', 5, 1n, null, null],
      ],
    );
  });

  it('are skipped by reset-offsets --all-topics, the others reset', async () => {
    const args = parseCommand(
      {
        name: 'test',
        args: '',
        summary: '',
        options: { 'all-topics': { type: 'boolean', help: '' } },
        positionals: { min: 0, max: 0 },
        examples: [],
        cluster: false,
      },
      ['--all-topics'],
    );
    const plan = await planReset(fakeAdmin(), args, 'g', { kind: 'earliest' });
    assert.deepEqual(
      plan.offsets.map((o) => [o.topic, o.partition, o.newOffset]),
      [['kept', 0, 0n]],
    );
    assert.deepEqual(
      plan.skipped.map((s) => [s.topic, s.partition, s.currentOffset]),
      [
        ['gone', 0, 7n],
        ['kept', 5, 1n],
      ],
    );
  });
});
