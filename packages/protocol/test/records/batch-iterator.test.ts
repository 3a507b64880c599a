import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordBatchIterator, splitBatches } from '../../src/records/batch-iterator.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';
import { RecordBatchError } from '../../src/records/record-batch-error.js';

const T0 = 1_764_000_000_000n;
const batches = [0n, 3n, 10n].map((baseOffset, i) =>
  encodeRecordBatch({
    baseOffset,
    compression: i,
    records: Array.from({ length: i + 1 }, (_, j) => ({ value: Buffer.from(`v${i}-${j}`), timestamp: T0 })),
  }),
);
const all = Buffer.concat(batches);

test('walks every whole batch and ends cleanly', () => {
  const { batches: found, wholeBytesEnd, truncated } = splitBatches(all);
  assert.deepEqual(
    found.map((b) => [b.baseOffset, b.position, b.sizeBytes, b.magic]),
    [
      [0n, 0, batches[0]!.length, 2],
      [3n, batches[0]!.length, batches[1]!.length, 2],
      [10n, batches[0]!.length + batches[1]!.length, batches[2]!.length, 2],
    ],
  );
  assert.ok(found[1]!.bytes.equals(batches[1]!));
  assert.equal(found[1]!.bytes.buffer, all.buffer, 'slices are views');
  assert.equal(wholeBytesEnd, all.length);
  assert.equal(truncated, false);
});

test('every truncation point stops after the last whole batch', () => {
  const ends = [batches[0]!.length, batches[0]!.length + batches[1]!.length];
  for (let cut = 0; cut < all.length; cut++) {
    const it = new RecordBatchIterator(all, 0, cut);
    const found = [...it];
    const expected = ends.filter((e) => e <= cut);
    assert.equal(found.length, expected.length, `cut ${cut}`);
    assert.equal(it.wholeBytesEnd, expected.at(-1) ?? 0);
    assert.equal(it.truncated, !ends.includes(cut) && cut !== 0);
  }
});

test('an impossible length is corruption, not truncation', () => {
  const bad = Buffer.from(all);
  bad.writeInt32BE(3, batches[0]!.length + 8);
  const it = new RecordBatchIterator(bad);
  assert.equal(it.next().done, false);
  assert.throws(
    () => it.next(),
    (e: unknown) => e instanceof RecordBatchError && e.reason === 'invalid-length',
  );
});
