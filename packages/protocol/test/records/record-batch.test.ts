import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BATCH_HEADER_SIZE, BATCH_OFFSET, CompressionType } from '../../src/records/batch-header.js';
import { checkBatch } from '../../src/records/batch-check.js';
import { crc32c } from '../../src/records/crc32c.js';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { TimestampType, encodeRecordBatch } from '../../src/records/batch-encode.js';
import { RecordBatchError } from '../../src/records/record-batch-error.js';

const T0 = 1_764_000_000_000n;

test('every header field survives encode and decode', () => {
  const batch = encodeRecordBatch({
    baseOffset: 1234567890123n,
    partitionLeaderEpoch: 7,
    timestampType: TimestampType.logAppendTime,
    isTransactional: true,
    producerId: 99_000_000_001n,
    producerEpoch: 3,
    baseSequence: 42,
    records: [
      { key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: T0 + 5n },
      { key: null, value: Buffer.from('v2'), timestamp: T0 },
      { key: Buffer.from('k3'), value: null, timestamp: T0 + 20n },
    ],
  });
  const d = decodeRecordBatch(batch);
  assert.equal(d.baseOffset, 1234567890123n);
  assert.equal(d.batchLength, batch.length - 12);
  assert.equal(d.partitionLeaderEpoch, 7);
  assert.equal(d.magic, 2);
  assert.equal(d.lastOffsetDelta, 2);
  assert.equal(d.baseTimestamp, T0 + 5n);
  assert.equal(d.maxTimestamp, T0 + 20n);
  assert.equal(d.producerId, 99_000_000_001n);
  assert.equal(d.producerEpoch, 3);
  assert.equal(d.baseSequence, 42);
  assert.equal(d.recordCount, 3);
  assert.equal(d.timestampType, 1);
  assert.equal(d.isTransactional, true);
  assert.equal(d.isControl, false);
  assert.equal(d.hasDeleteHorizon, false);
  assert.equal(d.compression, CompressionType.none);
  assert.deepEqual(
    d.records.map((r) => [
      r.offset,
      r.timestamp,
      r.timestampDelta,
      r.key?.toString() ?? null,
      r.value?.toString() ?? null,
    ]),
    [
      [1234567890123n, T0 + 5n, 0, 'k1', 'v1'],
      [1234567890124n, T0, -5, null, 'v2'],
      [1234567890125n, T0 + 20n, 15, 'k3', null],
    ],
  );
});

test('defaults: no producer id, epoch -1 for producers, NO_TIMESTAMP without records', () => {
  const d = decodeRecordBatch(encodeRecordBatch({ records: [] }));
  assert.equal(d.producerId, -1n);
  assert.equal(d.producerEpoch, -1);
  assert.equal(d.baseSequence, -1);
  assert.equal(d.partitionLeaderEpoch, -1);
  assert.equal(d.baseTimestamp, -1n);
  assert.equal(d.recordCount, 0);
  assert.equal(d.records.length, 0);
});

test('headers: UTF-8 keys, null and empty values, several per record', () => {
  const headers = [
    { key: 'trace-id', value: Buffer.from('abc') },
    { key: 'ключ-日本', value: null },
    { key: '', value: Buffer.alloc(0) },
    { key: 'trace-id', value: Buffer.from('dup') },
  ];
  const d = decodeRecordBatch(encodeRecordBatch({ records: [{ value: Buffer.from('x'), headers, timestamp: T0 }] }));
  assert.deepEqual(
    d.records[0]!.headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]),
    headers.map((h) => [h.key, h.value === null ? null : h.value.toString()]),
  );
});

test('uncompressed keys and values are views of the batch bytes, not copies', () => {
  const batch = encodeRecordBatch({
    records: [{ key: Buffer.from('key'), value: Buffer.alloc(10_000, 7), timestamp: T0 }],
  });
  const record = decodeRecordBatch(batch).records[0]!;
  assert.equal(record.value!.buffer, batch.buffer);
  assert.equal(record.key!.buffer, batch.buffer);
  batch[batch.length - 2] = 9; // inside the value: the view sees it
  assert.equal(record.value![record.value!.length - 1], 9);
});

test('each codec sets its attribute bits and decodes back', () => {
  const records = Array.from({ length: 50 }, (_, i) => ({
    key: Buffer.from(`key-${i}`),
    value: Buffer.from(JSON.stringify({ i, text: 'abc'.repeat(i) })),
    timestamp: T0 + BigInt(i),
  }));
  for (const compression of [0, 1, 2, 3, 4]) {
    const batch = encodeRecordBatch({ compression, records });
    assert.equal(batch.readInt16BE(BATCH_OFFSET.attributes) & 7, compression);
    const d = decodeRecordBatch(batch);
    assert.equal(d.compression, compression);
    assert.deepEqual(
      d.records.map((r) => r.value!.toString()),
      records.map((r) => r.value.toString()),
    );
    if (compression !== 0) assert.ok(batch.length < 61 + records.reduce((n, r) => n + r.value.length, 0));
  }
});

test('the broker may patch baseOffset and partitionLeaderEpoch without touching the CRC', () => {
  const batch = encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: T0 }] });
  batch.writeBigInt64BE(500n, BATCH_OFFSET.baseOffset);
  batch.writeInt32BE(12, BATCH_OFFSET.partitionLeaderEpoch);
  const d = decodeRecordBatch(batch);
  assert.equal(d.records[0]!.offset, 500n);
  assert.equal(d.partitionLeaderEpoch, 12);
});

test('decoding at an offset inside a larger buffer', () => {
  const one = encodeRecordBatch({ records: [{ value: Buffer.from('first'), timestamp: T0 }] });
  const two = encodeRecordBatch({ baseOffset: 1n, records: [{ value: Buffer.from('second'), timestamp: T0 }] });
  const both = Buffer.concat([one, two]);
  assert.equal(decodeRecordBatch(both, one.length).records[0]!.value!.toString(), 'second');
});

test('bytes after the last record are refused', () => {
  const batch = encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: T0 }] });
  // One stray byte after the record, with length and CRC made consistent so only the record walk can notice.
  const padded = Buffer.concat([batch, Buffer.from([0])]);
  padded.writeInt32BE(padded.length - 12, BATCH_OFFSET.batchLength);
  padded.writeUInt32BE(crc32c(padded.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  assert.ok(checkBatch(padded).ok);
  assert.throws(
    () => decodeRecordBatch(padded),
    (e: unknown) => e instanceof RecordBatchError && e.reason === 'invalid-record',
  );
});

test('a record count larger than the bytes can hold is refused before allocating', () => {
  const batch = encodeRecordBatch({ records: [{ value: Buffer.from('v'), timestamp: T0 }] });
  batch.writeInt32BE(1_000_000, BATCH_OFFSET.recordCount);
  batch.writeInt32BE(2_000_000, BATCH_OFFSET.lastOffsetDelta);
  const result = checkBatch(batch, 0, { verifyCrc: false });
  assert.equal(result.ok, false);
  assert.equal(!result.ok && result.reason, 'invalid-record-count');
  assert.ok(batch.length > BATCH_HEADER_SIZE);
});
