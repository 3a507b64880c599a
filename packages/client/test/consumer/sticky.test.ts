import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  cooperativeStickyAssignor,
  type GroupMember,
  rangeAssignor,
  roundRobinAssignor,
  stickyAssignor,
  type TopicPartition,
} from '../../src/index.js';

type Assignment = Map<string, TopicPartition[]>;
const key = (tp: TopicPartition) => `${tp.topic}-${tp.partition}`;

/** Kafka's balance: no partition can move to a subscribed member with two or more fewer partitions than its owner. */
function isBalanced(members: readonly GroupMember[], assignment: Assignment): boolean {
  const count = (id: string) => assignment.get(id)!.length;
  for (const m of members) {
    for (const tp of assignment.get(m.memberId)!) {
      for (const other of members) {
        if (other.topics.includes(tp.topic) && count(other.memberId) < count(m.memberId) - 1) return false;
      }
    }
  }
  return true;
}

function checkValid(
  members: readonly GroupMember[],
  counts: ReadonlyMap<string, number>,
  assignment: Assignment,
): void {
  const seen = new Set<string>();
  for (const m of members) {
    for (const tp of assignment.get(m.memberId)!) {
      assert.ok(m.topics.includes(tp.topic), `${m.memberId} got ${key(tp)} without subscribing`);
      assert.ok(!seen.has(key(tp)), `${key(tp)} assigned twice`);
      seen.add(key(tp));
    }
  }
  // Every partition of a subscribed topic is assigned.
  for (const [topic, n] of counts) {
    if (!members.some((m) => m.topics.includes(topic))) continue;
    for (let p = 0; p < n; p++) assert.ok(seen.has(`${topic}-${p}`), `${topic}-${p} unassigned`);
  }
}

const groupArb = fc
  .record({
    topicCount: fc.integer({ min: 1, max: 3 }),
    partitions: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 3, maxLength: 3 }),
    memberCount: fc.integer({ min: 1, max: 6 }),
    uniform: fc.boolean(),
    subscriptions: fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
  })
  .map(({ topicCount, partitions, memberCount, uniform, subscriptions }) => {
    const topics = Array.from({ length: topicCount }, (_, i) => `t${i}`);
    const counts = new Map(topics.map((t, i) => [t, partitions[i]!]));
    const members: GroupMember[] = Array.from({ length: memberCount }, (_, i) => {
      const subs = uniform ? topics : topics.filter((_, ti) => subscriptions[i]![ti]);
      return { memberId: `m${i}`, topics: subs.length > 0 ? subs : [topics[0]!] };
    });
    return { counts, members };
  });

/** Members carry their previous assignment as owned partitions, one generation on. */
function withOwned(members: readonly GroupMember[], previous: Assignment, generationId: number): GroupMember[] {
  return members.map((m) => ({ ...m, ownedPartitions: previous.get(m.memberId) ?? [], generationId }));
}

describe('sticky and cooperative-sticky assignors', () => {
  it('every assignor: valid (no partition twice, only subscribed topics, all assigned)', () => {
    fc.assert(
      fc.property(groupArb, ({ counts, members }) => {
        for (const a of [rangeAssignor, roundRobinAssignor, stickyAssignor])
          checkValid(members, counts, a.assign(members, counts));
      }),
    );
  });

  it('sticky: balanced; with equal subscriptions, counts differ by at most one', () => {
    fc.assert(
      fc.property(groupArb, ({ counts, members }) => {
        const result = stickyAssignor.assign(members, counts);
        assert.ok(isBalanced(members, result));
        if (members.every((m) => m.topics.join() === members[0]!.topics.join())) {
          const sizes = members.map((m) => result.get(m.memberId)!.length);
          assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
        }
      }),
    );
  });

  it('sticky: an unchanged balanced group keeps every partition where it is', () => {
    fc.assert(
      fc.property(groupArb, ({ counts, members }) => {
        const first = stickyAssignor.assign(members, counts);
        const second = stickyAssignor.assign(withOwned(members, first, 1), counts);
        assert.deepEqual(second, first);
      }),
    );
  });

  it('sticky: when a member leaves, only its partitions move (equal subscriptions)', () => {
    fc.assert(
      fc.property(groupArb, fc.nat(), ({ counts, members }, pick) => {
        const uniform = members.map((m) => ({ ...m, topics: [...counts.keys()] }));
        if (uniform.length < 2) return;
        const first = stickyAssignor.assign(uniform, counts);
        const leaving = uniform[pick % uniform.length]!.memberId;
        const rest = withOwned(
          uniform.filter((m) => m.memberId !== leaving),
          first,
          1,
        );
        const second = stickyAssignor.assign(rest, counts);
        checkValid(rest, counts, second);
        assert.ok(isBalanced(rest, second));
        for (const m of rest) {
          const now = new Set(second.get(m.memberId)!.map(key));
          for (const tp of first.get(m.memberId)!) assert.ok(now.has(key(tp)), `${m.memberId} lost ${key(tp)}`);
        }
      }),
    );
  });

  it('sticky: the higher generation wins a partition two members claim; equal generations cancel', () => {
    const counts = new Map([['t', 2]]);
    const result = stickyAssignor.assign(
      [
        { memberId: 'a', topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }], generationId: 3 },
        { memberId: 'b', topics: ['t'], ownedPartitions: [{ topic: 't', partition: 1 }], generationId: 4 },
      ],
      counts,
    );
    assert.deepEqual(result.get('b'), [{ topic: 't', partition: 1 }]);
  });

  it('cooperative-sticky: never hands over a partition its previous owner still holds; the follow-up round converges', () => {
    fc.assert(
      fc.property(groupArb, fc.integer({ min: 1, max: 3 }), ({ counts, members }, joining) => {
        const first = cooperativeStickyAssignor.assign(members, counts);
        const newcomers: GroupMember[] = Array.from({ length: joining }, (_, i) => ({
          memberId: `n${i}`,
          topics: [...counts.keys()],
        }));
        const grown = [...withOwned(members, first, 1), ...newcomers];
        const round1 = cooperativeStickyAssignor.assign(grown, counts);
        for (const m of grown) {
          const owned = new Set((m.ownedPartitions ?? []).map(key));
          for (const other of grown) {
            if (other.memberId === m.memberId) continue;
            for (const tp of round1.get(other.memberId)!)
              assert.ok(!owned.has(key(tp)), `${key(tp)} moved without revocation`);
          }
        }
        // Members revoke what they lost and rejoin owning only what round 1 gave them; round 2 is the full balanced assignment.
        const round2 = cooperativeStickyAssignor.assign(withOwned(grown, round1, 2), counts);
        checkValid(grown, counts, round2);
        assert.ok(isBalanced(grown, round2));
        for (const m of grown) {
          const now = new Set(round2.get(m.memberId)!.map(key));
          for (const tp of round1.get(m.memberId)!)
            assert.ok(now.has(key(tp)), 'round 2 takes nothing that round 1 kept');
        }
      }),
    );
  });
});
