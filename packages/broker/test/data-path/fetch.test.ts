import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FetchRequest, type FetchResponse, readBatchHeader } from '@fluxo/protocol';
import { completeDelayedFetches } from '../../src/fetch/delayed-fetch.js';
import { fetchHandler } from '../../src/handlers/01-fetch.js';
import { simpleBatch } from './batch-builder.js';
import { call, type Harness, makeHarness, T0, versions } from './harness.js';

type Response = FetchResponse.FetchResponseData;

interface PartitionAsk {
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes?: number;
}

function fetchRequest(
  topics: { topic: string; topicId: string; partitions: PartitionAsk[] }[],
  options: Partial<FetchRequest.FetchRequestData> = {},
): FetchRequest.FetchRequestData {
  return FetchRequest.create({
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 * 1024 * 1024,
    topics: topics.map((t) =>
      FetchRequest.createFetchTopic({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) =>
          FetchRequest.createFetchPartition({
            partition: p.partition,
            fetchOffset: p.fetchOffset,
            partitionMaxBytes: p.partitionMaxBytes ?? 1024 * 1024,
          }),
        ),
      }),
    ),
    ...options,
  });
}

describe('Fetch handler', () => {
  let h: Harness;
  let topicId: string;
  beforeEach(async () => {
    h = await makeHarness();
    topicId = h.topics.add('events', 3).topicId;
  });
  afterEach(() => h.close());

  const append = (partition: number, count: number, valueBytes = 16) =>
    h.broker.logs
      .getOrCreate('events', partition, topicId, h.broker.logs.defaults)
      .append(simpleBatch(count, T0, valueBytes), T0);
  const fetch = async (req: FetchRequest.FetchRequestData, version = 12) =>
    (await call<Response>(fetchHandler, version, req, h.broker)) as Response;
  const ask = (partitions: PartitionAsk[], topic = 'events') => [{ topic, topicId, partitions }];

  it('returns records, high watermark, LSO and log start offset at every version (4-17)', async () => {
    assert.deepEqual(versions(fetchHandler), [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    append(0, 3);
    append(0, 2);
    for (const v of versions(fetchHandler)) {
      const r = await fetch(fetchRequest(ask([{ partition: 0, fetchOffset: 3n }])), v);
      assert.equal(r.errorCode, 0);
      assert.equal(r.responses.length, 1);
      if (v >= 13) assert.equal(r.responses[0].topicId, topicId);
      else assert.equal(r.responses[0].topic, 'events');
      const p = r.responses[0].partitions[0];
      assert.equal(p.errorCode, 0, `v${v}`);
      assert.equal(p.highWatermark, 5n);
      assert.equal(p.lastStableOffset, 5n);
      if (v >= 5) assert.equal(p.logStartOffset, 0n);
      if (v >= 11) assert.equal(p.preferredReadReplica, -1);
      assert.equal(p.abortedTransactions, null);
      assert.equal(readBatchHeader(p.records!).baseOffset, 3n);
    }
  });

  it('UNKNOWN_TOPIC_ID for an unknown id (v13+), UNKNOWN_TOPIC_OR_PARTITION by name, OFFSET_OUT_OF_RANGE', async () => {
    const byId = await fetch(
      fetchRequest([{ topic: '', topicId: 'AAAAAAAAAAAAAAAAAAAAOQ', partitions: [{ partition: 0, fetchOffset: 0n }] }]),
      13,
    );
    assert.equal(byId.responses[0].partitions[0].errorCode, 100);
    const byName = await fetch(fetchRequest(ask([{ partition: 0, fetchOffset: 0n }], 'ghost')), 12);
    assert.equal(byName.responses[0].partitions[0].errorCode, 3);
    const badPartition = await fetch(fetchRequest(ask([{ partition: 7, fetchOffset: 0n }])), 13);
    assert.equal(badPartition.responses[0].partitions[0].errorCode, 3);
    append(1, 2);
    const out = await fetch(fetchRequest(ask([{ partition: 1, fetchOffset: 5n }])));
    assert.equal(out.responses[0].partitions[0].errorCode, 1);
  });

  it('respects partition_max_bytes and max_bytes but always returns the first batch (KIP-74)', async () => {
    for (let i = 0; i < 10; i++) append(0, 1, 1000);
    for (let i = 0; i < 10; i++) append(1, 1, 1000);
    const batchSize = simpleBatch(1, T0, 1000).length;
    const tiny = await fetch(fetchRequest(ask([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 10 }])));
    assert.equal(tiny.responses[0].partitions[0].records!.length, batchSize, 'first batch despite the limit');
    const three = await fetch(
      fetchRequest(ask([{ partition: 0, fetchOffset: 0n, partitionMaxBytes: batchSize * 3 + 5 }])),
    );
    assert.equal(three.responses[0].partitions[0].records!.length, batchSize * 3);
    const capped = await fetch(
      fetchRequest(
        ask([
          { partition: 0, fetchOffset: 0n },
          { partition: 1, fetchOffset: 0n },
        ]),
        { maxBytes: batchSize * 4 },
      ),
    );
    const [p0, p1] = capped.responses[0].partitions;
    assert.equal(p0.records!.length + p1.records!.length, batchSize * 4);
    assert.equal(p1.records!.length, 0);
    const second = await fetch(
      fetchRequest(
        ask([
          { partition: 0, fetchOffset: 10n },
          { partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 },
        ]),
        {
          maxBytes: 1,
        },
      ),
    );
    assert.equal(
      second.responses[0].partitions[1].records!.length,
      batchSize,
      'first data found, from the second partition',
    );
  });

  it('long poll: waits for min_bytes and wakes when an append lands', async () => {
    const started = Date.now();
    const pending = fetch(fetchRequest(ask([{ partition: 2, fetchOffset: 0n }]), { maxWaitMs: 10_000, minBytes: 1 }));
    await new Promise((r) => setTimeout(r, 30));
    append(2, 4);
    const r = await pending;
    assert.ok(Date.now() - started < 5000);
    assert.equal(readBatchHeader(r.responses[0].partitions[0].records!).recordCount, 4);
  });

  it('long poll: answers empty after max_wait_ms when min_bytes never arrive', async () => {
    append(0, 1);
    const started = Date.now();
    const r = await fetch(fetchRequest(ask([{ partition: 0, fetchOffset: 1n }]), { maxWaitMs: 60, minBytes: 1 }));
    const waited = Date.now() - started;
    assert.ok(waited >= 50, `waited ${waited} ms`);
    assert.equal(r.responses[0].partitions[0].records!.length, 0);
    assert.equal(r.responses[0].partitions[0].highWatermark, 1n);
  });

  it('long poll: completeDelayedFetches answers waiting fetches at once (shutdown)', async () => {
    const started = Date.now();
    const pending = fetch(fetchRequest(ask([{ partition: 0, fetchOffset: 0n }]), { maxWaitMs: 10_000, minBytes: 1 }));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(completeDelayedFetches(h.broker), 1);
    const r = await pending;
    assert.ok(Date.now() - started < 5000);
    assert.equal(r.responses[0].partitions[0].records!.length, 0);
    assert.equal(completeDelayedFetches(h.broker), 0);
  });

  it('long poll: min_bytes counts bytes, not appends', async () => {
    const batchSize = simpleBatch(1, T0, 100).length;
    const pending = fetch(
      fetchRequest(ask([{ partition: 0, fetchOffset: 0n }]), { maxWaitMs: 10_000, minBytes: batchSize * 2 }),
    );
    let done = false;
    void pending.then(() => {
      done = true;
    });
    append(0, 1, 100);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(done, false);
    append(0, 1, 100);
    const r = await pending;
    assert.equal(r.responses[0].partitions[0].records!.length, batchSize * 2);
  });

  describe('fetch sessions (KIP-227)', () => {
    const session = (sessionId: number, sessionEpoch: number, partitions: PartitionAsk[], extra = {}) =>
      fetchRequest(partitions.length ? ask(partitions) : [], { sessionId, sessionEpoch, ...extra });

    it('epoch 0 opens a session with a full response; incremental responses carry only changes', async () => {
      append(0, 2);
      const full = await fetch(
        session(0, 0, [
          { partition: 0, fetchOffset: 0n },
          { partition: 1, fetchOffset: 0n },
        ]),
      );
      assert.ok(full.sessionId > 0);
      assert.equal(full.responses[0].partitions.length, 2);
      // Nothing changed: an incremental fetch lists no partition.
      const quiet = await fetch(session(full.sessionId, 1, [{ partition: 0, fetchOffset: 2n }]));
      assert.equal(quiet.sessionId, full.sessionId);
      assert.deepEqual(quiet.responses, []);
      // New data in partition 1 (offset still 0 in the session): only it is returned.
      append(1, 3);
      const changed = await fetch(session(full.sessionId, 2, []));
      assert.equal(changed.responses.length, 1);
      assert.deepEqual(
        changed.responses[0].partitions.map((p) => p.partitionIndex),
        [1],
      );
      assert.equal(changed.responses[0].partitions[0].highWatermark, 3n);
    });

    it('adds partitions, forgets partitions, and reports the right errors', async () => {
      const full = await fetch(session(0, 0, [{ partition: 0, fetchOffset: 0n }]));
      const id = full.sessionId;
      append(2, 1);
      const added = await fetch(session(id, 1, [{ partition: 2, fetchOffset: 0n }]));
      assert.deepEqual(
        added.responses[0].partitions.map((p) => p.partitionIndex),
        [2],
      );
      append(0, 1);
      append(2, 1);
      const forgot = await fetch(
        session(id, 2, [], {
          forgottenTopicsData: [FetchRequest.createForgottenTopic({ topic: 'events', topicId, partitions: [2] })],
        }),
      );
      assert.deepEqual(
        forgot.responses[0].partitions.map((p) => p.partitionIndex),
        [0],
      );
      const wrongEpoch = await fetch(session(id, 7, []));
      assert.equal(wrongEpoch.errorCode, 71);
      assert.equal(wrongEpoch.sessionId, 0);
      assert.equal((await fetch(session(123456, 1, []))).errorCode, 70);
      // Epoch -1 closes the session and serves a sessionless full fetch.
      const closing = await fetch(session(id, -1, [{ partition: 0, fetchOffset: 0n }]));
      assert.equal(closing.sessionId, 0);
      assert.equal(closing.responses[0].partitions.length, 1);
      assert.equal((await fetch(session(id, 3, []))).errorCode, 70);
    });

    it('sessions work with topic ids (v13+) too', async () => {
      const full = await fetch(session(0, 0, [{ partition: 0, fetchOffset: 0n }]), 15);
      append(0, 2);
      const inc = await fetch(session(full.sessionId, 1, []), 15);
      assert.equal(inc.responses[0].topicId, topicId);
      assert.equal(readBatchHeader(inc.responses[0].partitions[0].records!).recordCount, 2);
    });
  });
});
