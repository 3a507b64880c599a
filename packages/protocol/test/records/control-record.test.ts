import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';
import {
  ControlRecordType,
  encodeEndTransactionMarkerBatch,
  readControlType,
  readEndTransactionMarker,
} from '../../src/records/control-record.js';
import { RecordBatchError } from '../../src/records/record-batch-error.js';

test('commit and abort marker batches: control + transactional, key and value layouts', () => {
  for (const type of [ControlRecordType.commit, ControlRecordType.abort]) {
    const batch = encodeEndTransactionMarkerBatch({
      type,
      producerId: 4000n,
      producerEpoch: 2,
      coordinatorEpoch: 17,
      timestamp: 1_764_000_000_000n,
      baseOffset: 90n,
    });
    const d = decodeRecordBatch(batch);
    assert.equal(d.isControl, true);
    assert.equal(d.isTransactional, true);
    assert.equal(d.producerId, 4000n);
    assert.equal(d.producerEpoch, 2);
    const record = d.records[0]!;
    assert.deepEqual([...record.key!], [0, 0, 0, type]);
    assert.deepEqual([...record.value!], [0, 0, 0, 0, 0, 17]);
    assert.deepEqual(readEndTransactionMarker(record), { type, coordinatorEpoch: 17 });
    assert.equal(record.offset, 90n);
  }
});

test('malformed control records give typed errors', () => {
  const isInvalid = (e: unknown) => e instanceof RecordBatchError && e.reason === 'invalid-record';
  assert.throws(() => readControlType({ key: null }), isInvalid);
  assert.throws(() => readControlType({ key: Buffer.from([0, 0, 1]) }), isInvalid);
  assert.throws(
    () => readEndTransactionMarker({ key: Buffer.from([0, 0, 0, 1]), value: Buffer.from([0, 0]) }),
    isInvalid,
  );
  assert.throws(() => readEndTransactionMarker({ key: Buffer.from([0, 0, 0, 2]), value: Buffer.alloc(6) }), isInvalid);
  // A control key with extra bytes (a future version) still reads its type, as Java does.
  assert.deepEqual(readControlType({ key: Buffer.from([0, 1, 0, 1, 9, 9]) }), { version: 1, type: 1 });
});

test('a plain control batch built by hand decodes its flags', () => {
  const batch = encodeRecordBatch({ isControl: true, records: [{ key: Buffer.from([0, 0, 0, 2]), value: null }] });
  const d = decodeRecordBatch(batch);
  assert.equal(d.isControl, true);
  assert.equal(d.isTransactional, false);
  assert.equal(readControlType(d.records[0]!).type, ControlRecordType.leaderChange);
});
