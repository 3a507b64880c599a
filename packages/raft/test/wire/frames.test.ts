import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RaftMessage } from '../../src/core/index.js';
import { decodeRequestFrame, encodeRequestFrame, PRE_VOTE_TAG, wireRoundTrip } from '../../src/wire/index.js';

const entry = (epoch: number, text: string, control = false) => ({ epoch, control, data: Buffer.from(text) });

const messages: RaftMessage[] = [
  {
    kind: 'vote',
    from: 1,
    to: 2,
    candidateEpoch: 7,
    lastOffsetEpoch: 6,
    lastOffset: 42,
    preVote: true,
    correlation: 9,
  },
  {
    kind: 'vote',
    from: 1,
    to: 3,
    candidateEpoch: 7,
    lastOffsetEpoch: 6,
    lastOffset: 42,
    preVote: false,
    correlation: 10,
  },
  {
    kind: 'voteResponse',
    from: 2,
    to: 1,
    errorCode: 0,
    leaderEpoch: 7,
    leaderId: -1,
    voteGranted: true,
    preVote: true,
    correlation: 9,
  },
  { kind: 'beginQuorumEpoch', from: 3, to: 1, leaderEpoch: 8, correlation: 11 },
  { kind: 'endQuorumEpoch', from: 3, to: 1, leaderEpoch: 8, preferredSuccessors: [2, 1], correlation: 12 },
  { kind: 'quorumEpochResponse', from: 1, to: 3, errorCode: 0, leaderEpoch: 8, leaderId: 3, correlation: 11 },
  {
    kind: 'fetch',
    from: 2,
    to: 3,
    currentLeaderEpoch: 8,
    fetchOffset: 100,
    lastFetchedEpoch: 7,
    maxWaitMs: 500,
    correlation: 13,
  },
  {
    kind: 'fetchResponse',
    from: 3,
    to: 2,
    errorCode: 0,
    leaderEpoch: 8,
    leaderId: 3,
    highWatermark: 99,
    logStartOffset: 40,
    baseOffset: 100,
    entries: [entry(8, '', true), entry(8, 'hello')],
    divergingEpoch: null,
    snapshotId: null,
    correlation: 13,
  },
  {
    kind: 'fetchResponse',
    from: 3,
    to: 2,
    errorCode: 0,
    leaderEpoch: 8,
    leaderId: 3,
    highWatermark: 99,
    logStartOffset: 40,
    baseOffset: 100,
    entries: [],
    divergingEpoch: { epoch: 6, endOffset: 80 },
    snapshotId: { epoch: 5, endOffset: 40 },
    correlation: 14,
  },
  {
    kind: 'fetchSnapshot',
    from: 2,
    to: 3,
    currentLeaderEpoch: 8,
    snapshotId: { endOffset: 40, epoch: 5 },
    position: 5,
    correlation: 15,
  },
  {
    kind: 'fetchSnapshotResponse',
    from: 3,
    to: 2,
    errorCode: 0,
    leaderEpoch: 8,
    leaderId: 3,
    snapshotId: { endOffset: 40, epoch: 5 },
    size: 8,
    position: 5,
    bytes: Buffer.from([1, 2, 3]),
    correlation: 15,
  },
];

test('every Raft message survives its Kafka frame unchanged', () => {
  for (const m of messages) {
    const back = wireRoundTrip(m);
    assert.deepEqual(
      JSON.parse(JSON.stringify(back, (_, v) => (v?.type === 'Buffer' ? v.data : v))),
      JSON.parse(JSON.stringify(m, (_, v) => (v?.type === 'Buffer' ? v.data : v))),
      m.kind,
    );
  }
});

test('a request frame is Kafka framing: size, header with api key, version and correlation id', () => {
  const frame = encodeRequestFrame(messages[0] as Extract<RaftMessage, { kind: 'vote' }>, 'raft-1');
  assert.equal(frame.readInt32BE(0), frame.length - 4);
  assert.equal(frame.readInt16BE(4), 52); // VoteRequest
  assert.equal(frame.readInt16BE(6), 1);
  assert.equal(frame.readInt32BE(8), 9);
  // The pre-vote flag is our tagged field: find its tag number in the bytes.
  assert.ok(frame.includes(Buffer.from([0x90, 0x4e])), `tag ${PRE_VOTE_TAG} as a uvarint`);
});

test('garbage and truncated frames are refused with an error, not a crash', () => {
  const frame = encodeRequestFrame(messages[6] as Extract<RaftMessage, { kind: 'fetch' }>, 'raft-2').subarray(4);
  for (let cut = 0; cut < frame.length; cut += 3)
    assert.throws(() => decodeRequestFrame(frame.subarray(0, cut), 3), Error, `cut at ${cut}`);
  const unknown = Buffer.from(frame);
  unknown.writeInt16BE(0, 0); // Produce
  assert.throws(() => decodeRequestFrame(unknown, 3), /unsupported api/);
});
