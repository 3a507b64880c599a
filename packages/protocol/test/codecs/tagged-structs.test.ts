/**
 * Struct-typed fields that are tagged in flexible versions and absent before
 * (FetchResponse.PartitionData.CurrentLeader and friends): written only when not
 * default, refused where the version cannot carry them, and read back intact.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FetchResponse, ProtocolEncodeError, Reader, Writer } from '../../src/index.js';

function response(partition: Partial<FetchResponse.PartitionData>): FetchResponse.FetchResponseData {
  return FetchResponse.create({
    responses: [
      FetchResponse.createFetchableTopicResponse({
        topic: 't',
        partitions: [FetchResponse.createPartitionData({ abortedTransactions: [], ...partition })],
      }),
    ],
  });
}

function encode(value: FetchResponse.FetchResponseData, version: number): Buffer {
  const w = new Writer();
  FetchResponse.encode(w, value, version);
  return w.toBuffer();
}

describe('tagged struct fields', () => {
  const leader = FetchResponse.createLeaderIdAndEpoch({ leaderId: 3, leaderEpoch: 7 });

  test('a default struct is not written; a changed one adds exactly its tagged field', () => {
    const plain = encode(response({}), 12);
    const withLeader = encode(response({ currentLeader: leader }), 12);
    // tag 1, size 9: int32 leaderId, int32 leaderEpoch, empty tag section.
    assert.equal(withLeader.length - plain.length, 1 + 1 + 9);
    const decoded = FetchResponse.decode(new Reader(withLeader), 12);
    assert.deepEqual(decoded.responses[0]!.partitions[0]!.currentLeader, leader);
    assert.deepEqual(
      FetchResponse.decode(new Reader(plain), 12).responses[0]!.partitions[0]!.currentLeader,
      FetchResponse.createLeaderIdAndEpoch(),
    );
  });

  test('a struct that only differs by unknown tagged fields is still written', () => {
    const extra = { ...FetchResponse.createSnapshotId(), _unknownTaggedFields: [{ tag: 9, data: Buffer.from([1]) }] };
    const bytes = encode(response({ snapshotId: extra }), 12);
    assert.deepEqual(FetchResponse.decode(new Reader(bytes), 12).responses[0]!.partitions[0]!.snapshotId, extra);
  });

  test('a non-default struct at a version without the field is refused; the default is fine', () => {
    assert.throws(() => encode(response({ currentLeader: leader }), 11), ProtocolEncodeError);
    assert.throws(
      () => encode(response({ divergingEpoch: FetchResponse.createEpochEndOffset({ epoch: 2, endOffset: 10n }) }), 11),
      ProtocolEncodeError,
    );
    assert.doesNotThrow(() => encode(response({ currentLeader: FetchResponse.createLeaderIdAndEpoch() }), 11));
  });
});
