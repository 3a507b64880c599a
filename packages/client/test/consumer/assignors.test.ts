import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type GroupMember, rangeAssignor, roundRobinAssignor } from '../../src/index.js';

const show = (m: Map<string, { topic: string; partition: number }[]>) =>
  Object.fromEntries([...m].map(([id, tps]) => [id, tps.map((tp) => `${tp.topic}p${tp.partition}`)]));

const partitions = new Map([
  ['t0', 3],
  ['t1', 3],
]);
const twoMembers: GroupMember[] = [
  { memberId: 'C1', topics: ['t0', 't1'] },
  { memberId: 'C0', topics: ['t0', 't1'] },
];

describe('assignors (Java-compatible)', () => {
  it("range matches Kafka's documented example", () => {
    assert.deepEqual(show(rangeAssignor.assign(twoMembers, partitions)), {
      C1: ['t0p2', 't1p2'],
      C0: ['t0p0', 't0p1', 't1p0', 't1p1'],
    });
  });

  it("round-robin matches Kafka's documented examples", () => {
    assert.deepEqual(show(roundRobinAssignor.assign(twoMembers, partitions)), {
      C1: ['t0p1', 't1p0', 't1p2'],
      C0: ['t0p0', 't0p2', 't1p1'],
    });
    // Unequal subscriptions: C0 t0; C1 t0,t1; C2 t0,t1,t2 with 1, 2 and 3 partitions.
    const result = roundRobinAssignor.assign(
      [
        { memberId: 'C0', topics: ['t0'] },
        { memberId: 'C1', topics: ['t0', 't1'] },
        { memberId: 'C2', topics: ['t0', 't1', 't2'] },
      ],
      new Map([
        ['t0', 1],
        ['t1', 2],
        ['t2', 3],
      ]),
    );
    assert.deepEqual(show(result), {
      C0: ['t0p0'],
      C1: ['t1p0'],
      C2: ['t1p1', 't2p0', 't2p1', 't2p2'],
    });
  });

  const groups = fc
    .record({
      topics: fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c', 'd'), { minLength: 1 }),
      counts: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 4, maxLength: 4 }),
      members: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }),
      seed: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
    })
    .map(({ topics, counts, members, seed }) => ({
      partitionsPerTopic: new Map(topics.map((t, i) => [t, counts[i]!])),
      members: members.map((memberId, i) => ({
        memberId,
        topics: topics.filter((_, j) => seed[(i * 4 + j) % 24] || j === 0),
      })),
    }));

  for (const assignor of [rangeAssignor, roundRobinAssignor]) {
    it(`${assignor.name}: every partition goes to exactly one subscribed member`, () => {
      fc.assert(
        fc.property(groups, ({ members, partitionsPerTopic }) => {
          const result = assignor.assign(members, partitionsPerTopic);
          const owners = new Map<string, string>();
          for (const [memberId, tps] of result) {
            const member = members.find((m) => m.memberId === memberId)!;
            for (const tp of tps) {
              assert.ok(member.topics.includes(tp.topic), `${memberId} got ${tp.topic} it does not subscribe to`);
              const key = `${tp.topic}/${tp.partition}`;
              assert.equal(owners.has(key), false, `${key} assigned twice`);
              owners.set(key, memberId);
            }
          }
          let expected = 0;
          for (const [t, n] of partitionsPerTopic) if (members.some((m) => m.topics.includes(t))) expected += n;
          assert.equal(owners.size, expected);
        }),
      );
    });
  }

  it('both balance to within one partition when everyone subscribes to the same topics', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 40 }), (memberCount, n) => {
        const members = Array.from({ length: memberCount }, (_, i) => ({ memberId: `m${i}`, topics: ['t'] }));
        for (const assignor of [rangeAssignor, roundRobinAssignor]) {
          const sizes = [...assignor.assign(members, new Map([['t', n]])).values()].map((tps) => tps.length);
          assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
        }
      }),
    );
  });
});
