import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressionName } from '../../src/compression/codecs.js';
import { isXerialFramed } from '../../src/compression/snappy.js';
import { checkBatch } from '../../src/records/batch-check.js';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { BATCH_HEADER_SIZE } from '../../src/records/batch-header.js';
import { splitBatches } from '../../src/records/batch-iterator.js';
import { readFixture, readJsonFixture } from './fixtures.js';

/**
 * Batches captured from librdkafka 2.0.2 (kcat) by
 * test/fixtures/records/capture-librdkafka.mjs; the .json beside each holds the
 * records that were fed to kcat.
 */
interface FedRecord {
  key: string;
  value: string;
  headers: { key: string; value: string }[];
}

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

for (const [id, codec] of CODECS.entries()) {
  test(`librdkafka ${codec} batches decode to the records kcat was given`, () => {
    const bytes = readFixture(`fixtures/records/librdkafka-${codec}.bin`);
    const fed = readJsonFixture<FedRecord[]>(`fixtures/records/librdkafka-${codec}.json`);
    const { batches, truncated } = splitBatches(bytes);
    assert.equal(truncated, false);
    assert.ok(batches.length >= 1);
    const decoded = batches.flatMap((slice) => {
      const check = checkBatch(slice.bytes, 0, { producerBatch: true });
      assert.ok(check.ok, check.ok ? '' : check.message);
      const batch = decodeRecordBatch(slice.bytes);
      assert.equal(compressionName(batch.compression), codec);
      assert.equal(batch.compression, id);
      return batch.records;
    });
    assert.deepEqual(
      decoded.map((r) => ({
        key: r.key!.toString(),
        value: r.value!.toString(),
        headers: r.headers.map((h) => ({ key: h.key, value: h.value!.toString() })),
      })),
      fed,
    );
    assert.deepEqual(
      decoded.map((r) => r.offset),
      decoded.map((_, i) => BigInt(i)),
    );
  });
}

test('librdkafka writes raw (unframed) snappy, which we read', () => {
  const bytes = readFixture('fixtures/records/librdkafka-snappy.bin');
  assert.equal(isXerialFramed(bytes.subarray(BATCH_HEADER_SIZE)), false);
});
