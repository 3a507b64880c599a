import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkBatch } from '../../src/records/batch-check.js';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';
import {
  applyLogAppendTime,
  lastSequenceOf,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
} from '../../src/records/batch-patch.js';

const T0 = 1_764_000_000_000n;
const make = (compression: number) =>
  encodeRecordBatch({
    compression,
    records: [
      { value: Buffer.from('a'), timestamp: T0 },
      { value: Buffer.from('b'), timestamp: T0 + 4n },
    ],
  });

test('offset and epoch patches keep the batch valid; LogAppendTime re-signs it', () => {
  for (const compression of [0, 4]) {
    const other = make(0);
    const batch = make(compression);
    const log = Buffer.concat([other, batch]);
    const at = other.length;
    patchBaseOffset(log, at, 1000n);
    patchPartitionLeaderEpoch(log, at, 9);
    const before = checkBatch(log, at);
    assert.ok(before.ok);
    applyLogAppendTime(log, at, before.sizeBytes, T0 + 999n);
    const d = decodeRecordBatch(log, at);
    assert.equal(d.baseOffset, 1000n);
    assert.deepEqual(
      d.records.map((r) => r.offset),
      [1000n, 1001n],
    );
    assert.equal(d.partitionLeaderEpoch, 9);
    assert.equal(d.timestampType, 1);
    assert.equal(d.maxTimestamp, T0 + 999n);
    assert.equal(d.compression, compression);
    assert.ok(checkBatch(log, 0).ok, 'the batch before is untouched');
  }
});

test('lastSequenceOf wraps like Java (DefaultRecordBatch.incrementSequence)', () => {
  assert.equal(lastSequenceOf({ baseSequence: 10, lastOffsetDelta: 4 }), 14);
  assert.equal(lastSequenceOf({ baseSequence: -1, lastOffsetDelta: 4 }), -1);
  assert.equal(lastSequenceOf({ baseSequence: 2147483647, lastOffsetDelta: 0 }), 2147483647);
  assert.equal(lastSequenceOf({ baseSequence: 2147483647, lastOffsetDelta: 1 }), 0);
  assert.equal(lastSequenceOf({ baseSequence: 2147483645, lastOffsetDelta: 5 }), 2);
});
