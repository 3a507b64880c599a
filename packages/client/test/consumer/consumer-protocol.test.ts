import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from '../../src/index.js';

/** kafkajs's MemberMetadata layout: int16 version, topics array, bytes userData — whatever version it stamps. */
function kafkajsMetadata(version: number, topics: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([version >> 8, version & 0xff])];
  const count = Buffer.alloc(4);
  count.writeInt32BE(topics.length);
  parts.push(count);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(t));
    parts.push(len, Buffer.from(t));
  }
  const userData = Buffer.alloc(4);
  userData.writeInt32BE(0);
  parts.push(userData);
  return Buffer.concat(parts);
}

const tpArb = fc
  .record({ topic: fc.constantFrom('a', 'b', 'topic-c'), partition: fc.integer({ min: 0, max: 50 }) })
  .map((tp) => ({ topic: tp.topic, partition: tp.partition }));

describe("ConsumerProtocol (Kafka's group metadata format)", () => {
  it('writes a v3 subscription exactly as Kafka lays it out', () => {
    const bytes = encodeSubscription({
      topics: ['t'],
      userData: null,
      ownedPartitions: [{ topic: 't', partition: 2 }],
      generationId: 5,
      rackId: 'r1',
    });
    // version 3 | topics [ "t" ] | userData null | owned [ { "t", [2] } ] | generation 5 | rack "r1"
    assert.equal(
      bytes.toString('hex'),
      [
        '0003',
        '00000001',
        '000174',
        'ffffffff',
        '00000001',
        '000174',
        '00000001',
        '00000002',
        '00000005',
        '00027231',
      ].join(''),
    );
  });

  it('round-trips subscriptions and assignments', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(tpArb, { selector: (tp) => `${tp.topic}-${tp.partition}` }),
        fc.integer({ min: -1, max: 1000 }),
        (tps, generationId) => {
          const sorted = [...tps].sort((x, y) =>
            x.topic < y.topic ? -1 : x.topic > y.topic ? 1 : x.partition - y.partition,
          );
          const s = decodeSubscription(
            encodeSubscription({
              topics: ['a', 'b'],
              userData: null,
              ownedPartitions: tps,
              generationId,
              rackId: null,
            }),
          );
          assert.deepEqual(s, {
            topics: ['a', 'b'],
            userData: null,
            ownedPartitions: sorted,
            generationId,
            rackId: null,
          });
          assert.deepEqual(decodeAssignment(encodeAssignment(tps)), sorted);
        },
      ),
    );
  });

  it("reads kafkajs's metadata, even stamped with a version whose fields it does not write", () => {
    for (const version of [0, 1, 3]) {
      const s = decodeSubscription(kafkajsMetadata(version, ['x', 'y']));
      assert.deepEqual(s.topics, ['x', 'y']);
      assert.deepEqual(s.ownedPartitions, []);
    }
  });

  it('reads a newer version by its known fields and ignores what follows', () => {
    const v3 = encodeSubscription({
      topics: ['t'],
      userData: null,
      ownedPartitions: [],
      generationId: 9,
      rackId: null,
    });
    const v4 = Buffer.concat([Buffer.from([0, 4]), v3.subarray(2), Buffer.from([1, 2, 3])]);
    assert.equal(decodeSubscription(v4).generationId, 9);
  });

  it('an empty assignment buffer is no partitions; garbage is an error, not a crash', () => {
    assert.deepEqual(decodeAssignment(Buffer.alloc(0)), []);
    assert.throws(() => decodeSubscription(Buffer.from([0xff, 0xff])));
    assert.throws(() => decodeAssignment(Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff])));
  });
});
