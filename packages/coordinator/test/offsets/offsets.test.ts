import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GroupMetadataValue } from '@fluxo/protocol';
import {
  OffsetStore,
  decodeConsumerOffsetsRecord,
  groupMetadataKey,
  groupMetadataValue,
  javaStringHashCode,
  offsetCommitKey,
  offsetCommitValue,
  partitionForGroup,
} from '../../src/index.js';

describe('__consumer_offsets partitioning', () => {
  test('Java String.hashCode values', () => {
    assert.equal(javaStringHashCode(''), 0);
    assert.equal(javaStringHashCode('hello'), 99162322);
    // The classic string whose hashCode is Integer.MIN_VALUE: Kafka's Utils.abs maps it to 0.
    assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
    assert.equal(partitionForGroup('polygenelubricants', 50), 0);
    assert.equal(partitionForGroup('hello', 50), 99162322 % 50);
  });
});

describe('__consumer_offsets records', () => {
  test('offset commit key has Kafka layout: int16 version 1, group, topic, int32 partition', () => {
    const key = offsetCommitKey('g', 'orders', 3);
    const expected = Buffer.concat([
      Buffer.from([0, 1]),
      Buffer.from([0, 1]),
      Buffer.from('g'),
      Buffer.from([0, 6]),
      Buffer.from('orders'),
      Buffer.from([0, 0, 0, 3]),
    ]);
    assert.deepEqual(key, expected);
  });

  test('offset commit round trip and tombstone', () => {
    const value = { offset: 42n, leaderEpoch: 5, metadata: 'meta', commitTimestampMs: 1_700_000_000_000n };
    const record = decodeConsumerOffsetsRecord(offsetCommitKey('g', 't', 1), offsetCommitValue(value));
    assert.deepEqual(record, { kind: 'offset', group: 'g', topic: 't', partition: 1, value });
    const tombstone = decodeConsumerOffsetsRecord(offsetCommitKey('g', 't', 1), null);
    assert.deepEqual(tombstone, { kind: 'offset', group: 'g', topic: 't', partition: 1, value: null });
  });

  test('group metadata round trip', () => {
    const meta = GroupMetadataValue.create({
      protocolType: 'consumer',
      generation: 7,
      protocol: 'range',
      leader: 'm1',
      currentStateTimestamp: 123n,
      members: [
        GroupMetadataValue.createMemberMetadata({
          memberId: 'm1',
          groupInstanceId: 'i1',
          clientId: 'c',
          clientHost: '/127.0.0.1',
          rebalanceTimeout: 30000,
          sessionTimeout: 10000,
          subscription: Buffer.from([1, 2]),
          assignment: Buffer.from([3]),
        }),
      ],
    });
    const record = decodeConsumerOffsetsRecord(groupMetadataKey('G'), groupMetadataValue(meta));
    assert.equal(record.kind, 'group');
    assert.deepEqual(record.kind === 'group' ? record.value : null, meta);
  });

  test('unknown record key versions are reported, not thrown', () => {
    assert.deepEqual(decodeConsumerOffsetsRecord(Buffer.from([0, 9, 1, 2]), null), { kind: 'unknown', keyVersion: 9 });
  });
});

describe('offset store', () => {
  test('commit, replay with tombstones, sorted listing', () => {
    const store = new OffsetStore();
    const at = (offset: bigint) => ({ offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 0n });
    store.commit('g', 'b', 1, at(5n));
    store.commit('g', 'a', 2, at(6n));
    store.commit('g', 'a', 0, at(7n));
    assert.deepEqual(
      store.all('g').map((o) => `${o.topic}-${o.partition}=${o.offset}`),
      ['a-0=7', 'a-2=6', 'b-1=5'],
    );
    store.apply(decodeConsumerOffsetsRecord(offsetCommitKey('g', 'a', 2), null));
    assert.equal(store.get('g', 'a', 2), undefined);
    store.apply(decodeConsumerOffsetsRecord(offsetCommitKey('g', 'a', 2), offsetCommitValue(at(9n))));
    assert.equal(store.get('g', 'a', 2)?.offset, 9n);
  });

  test('expiry: only for empty groups, counted from the later of empty-since and commit time', () => {
    const store = new OffsetStore();
    store.commit('empty', 't', 0, { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 1_000n });
    store.commit('empty', 't', 1, { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 9_000n });
    store.commit('active', 't', 0, { offset: 1n, leaderEpoch: -1, metadata: '', commitTimestampMs: 0n });
    const emptySince = (g: string) => (g === 'empty' ? 2_000n : undefined);
    assert.deepEqual(store.expired(11_999n, 10_000n, emptySince), []);
    assert.deepEqual(store.expired(12_000n, 10_000n, emptySince), [{ group: 'empty', topic: 't', partition: 0 }]);
    assert.equal(store.expired(19_000n, 10_000n, emptySince).length, 2);
  });
});
