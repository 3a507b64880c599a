import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  DeleteRecordsRequest,
  type DeleteRecordsResponse,
  ListOffsetsRequest,
  type ListOffsetsResponse,
} from '@fluxo/protocol';
import { listOffsetsHandler } from '../../src/handlers/02-list-offsets.js';
import { deleteRecordsHandler } from '../../src/handlers/21-delete-records.js';
import { buildBatch } from './batch-builder.js';
import { call, type Harness, makeHarness, T0, versions } from './harness.js';

describe('ListOffsets and DeleteRecords handlers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
    h.topics.add('events', 1);
    const log = h.broker.logs.getOrCreate('events', 0, h.topics.get('events')!.topicId, h.broker.logs.defaults);
    // offsets 0..9, timestamps T0 + 100 * offset, in batches of two
    for (let b = 0; b < 5; b++)
      log.append(buildBatch([0, 1].map((i) => ({ value: Buffer.from('v'), timestamp: T0 + 100 * (2 * b + i) }))), T0);
  });
  afterEach(() => h.close());

  const list = async (timestamp: bigint, version = 7, topic = 'events', partitionIndex = 0, isolationLevel = 0) => {
    const req = ListOffsetsRequest.create({
      replicaId: -1,
      isolationLevel,
      topics: [
        ListOffsetsRequest.createListOffsetsTopic({
          name: topic,
          partitions: [ListOffsetsRequest.createListOffsetsPartition({ partitionIndex, timestamp })],
        }),
      ],
    });
    const r = (await call<ListOffsetsResponse.ListOffsetsResponseData>(
      listOffsetsHandler,
      version,
      req,
      h.broker,
    )) as ListOffsetsResponse.ListOffsetsResponseData;
    return r.topics[0].partitions[0];
  };

  it('earliest, latest, by timestamp and max timestamp at every version', async () => {
    assert.deepEqual(versions(listOffsetsHandler), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const v of versions(listOffsetsHandler)) {
      assert.equal((await list(-2n, v)).offset, 0n, `v${v}`);
      assert.equal((await list(-1n, v)).offset, 10n);
      const byTime = await list(BigInt(T0 + 350), v);
      assert.equal(byTime.offset, 4n);
      assert.equal(byTime.timestamp, BigInt(T0 + 400));
      if (v >= 4) assert.equal(byTime.leaderEpoch, 0);
    }
    const max = await list(-3n, 7);
    assert.equal(max.offset, 9n);
    assert.equal(max.timestamp, BigInt(T0 + 900));
    assert.equal((await list(-1n, 7, 'events', 0, 1)).offset, 10n, 'read_committed latest is the LSO');
  });

  it('a timestamp after every record gives offset -1, and unknown partitions an error', async () => {
    const none = await list(BigInt(T0 + 10_000));
    assert.equal(none.offset, -1n);
    assert.equal(none.timestamp, -1n);
    assert.equal((await list(-1n, 7, 'ghost')).errorCode, 3);
    assert.equal((await list(-1n, 7, 'events', 1)).errorCode, 3);
  });

  const deleteRecords = async (offset: bigint, version = 2, topic = 'events') => {
    const req = DeleteRecordsRequest.create({
      timeoutMs: 1000,
      topics: [
        DeleteRecordsRequest.createDeleteRecordsTopic({
          name: topic,
          partitions: [DeleteRecordsRequest.createDeleteRecordsPartition({ partitionIndex: 0, offset })],
        }),
      ],
    });
    const r = (await call<DeleteRecordsResponse.DeleteRecordsResponseData>(
      deleteRecordsHandler,
      version,
      req,
      h.broker,
    )) as DeleteRecordsResponse.DeleteRecordsResponseData;
    return r.topics[0].partitions[0];
  };

  it('DeleteRecords moves the low watermark, which ListOffsets earliest then reports', async () => {
    for (const v of versions(deleteRecordsHandler))
      assert.equal((await deleteRecords(BigInt(v + 1), v)).lowWatermark, BigInt(v + 1));
    assert.equal((await list(-2n)).offset, 3n);
    assert.equal((await deleteRecords(11n)).errorCode, 1);
    assert.equal((await deleteRecords(-1n)).lowWatermark, 10n);
    assert.equal((await deleteRecords(0n, 2, 'ghost')).errorCode, 3);
  });

  it('DeleteRecords on a compact-only topic is a POLICY_VIOLATION', async () => {
    h.topics.add('compacted', 1, { 'cleanup.policy': 'compact' });
    assert.equal((await deleteRecords(0n, 2, 'compacted')).errorCode, 44);
  });
});
