import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@fluxo/protocol';
import { EPOCH_MAX, IdempotenceManager, incrementSequence } from '../../src/producer/idempotence-manager.js';
import { newPartitionQueue, type PartitionQueue, removeFrom } from '../../src/producer/partition-queue.js';
import { ProducerBatch } from '../../src/producer/producer-batch.js';

const noop = { resolve: () => {}, reject: () => {} };
const PID = 4000n;

function batchOf(queue: PartitionQueue, records: number): ProducerBatch {
  const b = new ProducerBatch(queue.topic, queue.partition, 0, queue.nextOrder++);
  for (let i = 0; i < records; i++) b.append({ value: null }, 10, noop);
  return b;
}

/** What the sender does when it drains a batch: gate, sequence, track. */
function drain(m: IdempotenceManager, queue: PartitionQueue, batch: ProducerBatch): boolean {
  if (!m.mayDrain(queue, batch)) return false;
  m.assignSequence(queue, batch);
  if (!queue.unfinished.includes(batch)) queue.unfinished.push(batch);
  return true;
}

function ack(m: IdempotenceManager, queue: PartitionQueue, batch: ProducerBatch, offset = 0n): void {
  removeFrom(queue.unfinished, batch);
  m.completed(queue, batch, offset);
}

function started(epoch = 0): IdempotenceManager {
  const m = new IdempotenceManager();
  m.setIdentity({ producerId: PID, producerEpoch: epoch });
  return m;
}

const stateOf = (b: ProducerBatch) => [b.producerEpoch, b.baseSequence];

describe('IdempotenceManager', () => {
  it('holds everything until a producer id is known, then numbers each partition from 0', () => {
    const m = new IdempotenceManager();
    const p0 = newPartitionQueue('t', 0);
    const p1 = newPartitionQueue('t', 1);
    const a = batchOf(p0, 3);
    assert.equal(drain(m, p0, a), false, 'no producer id yet');
    m.setIdentity({ producerId: PID, producerEpoch: 0 });
    assert.ok(drain(m, p0, a));
    const b = batchOf(p0, 2);
    const c = batchOf(p1, 4);
    drain(m, p0, b);
    drain(m, p1, c);
    assert.deepEqual([a, b, c].map(stateOf), [
      [0, 0],
      [0, 3],
      [0, 0],
    ]);
    assert.equal(a.producerId, PID);
    assert.equal(p0.sequences.nextSequence, 5);
  });

  it('retries OUT_OF_ORDER_SEQUENCE_NUMBER on a batch that is not the next expected one, without a bump', () => {
    const m = started();
    const q = newPartitionQueue('t', 0);
    const [a, b] = [batchOf(q, 2), batchOf(q, 2)];
    drain(m, q, a);
    drain(m, q, b);
    // a was lost (NOT_LEADER_OR_FOLLOWER), so the broker saw b out of order.
    assert.equal(m.canRetry(q, a, ErrorCode.NOT_LEADER_OR_FOLLOWER, -1n), undefined, 'not a sequence error');
    assert.equal(m.canRetry(q, b, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 0n), true);
    assert.equal(m.bumpRequested, false);
    ack(m, q, a);
    assert.equal(q.sequences.lastAckedSequence, 1);
  });

  it('bumps the epoch for OUT_OF_ORDER_SEQUENCE_NUMBER on the next expected batch, and retries it from sequence 0', () => {
    const m = started();
    const q = newPartitionQueue('t', 0);
    const a = batchOf(q, 2);
    const b = batchOf(q, 3);
    drain(m, q, a);
    ack(m, q, a);
    drain(m, q, b);
    assert.equal(m.canRetry(q, b, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 0n), true);
    assert.equal(m.bumpRequested, true);
    m.bumpEpochIfRequested();
    assert.deepEqual(m.identity, { producerId: PID, producerEpoch: 1 });
    assert.deepEqual(stateOf(b), [1, 0]);
    assert.equal(b.sequenceReset, true);
    assert.equal(q.sequences.nextSequence, 3);
  });

  it('after a definitive failure: local bump, the partition re-sequenced from 0, other partitions move once drained', () => {
    const m = started(7);
    const tooLarge = newPartitionQueue('t', 0);
    const other = newPartitionQueue('t', 1);
    const [x, y, z] = [batchOf(tooLarge, 1), batchOf(tooLarge, 2), batchOf(tooLarge, 2)];
    for (const b of [x, y, z]) drain(m, tooLarge, b);
    const w = batchOf(other, 4);
    drain(m, other, w);
    // x: MESSAGE_TOO_LARGE, not retriable: it failed for good and left a gap at sequence 0.
    removeFrom(tooLarge.unfinished, x);
    m.failed(tooLarge, x, true);
    m.bumpEpochIfRequested();
    assert.deepEqual(m.identity, { producerId: PID, producerEpoch: 8 });
    assert.deepEqual([y, z].map(stateOf), [
      [8, 0],
      [8, 2],
    ]);
    // y's old bytes reach the broker after the gap: OUT_OF_ORDER, retried as re-sequenced, no second bump.
    assert.equal(m.canRetry(tooLarge, y, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 0n), true);
    assert.equal(m.bumpRequested, false);
    // The other partition keeps epoch 7 for w; a new batch there waits until w settles, then starts at 0.
    assert.deepEqual(stateOf(w), [7, 0]);
    const v = batchOf(other, 1);
    assert.equal(m.mayDrain(other, v), false);
    ack(m, other, w);
    assert.ok(drain(m, other, v));
    assert.deepEqual(stateOf(v), [8, 0]);
    assert.equal(m.canRetry(other, w, ErrorCode.NOT_LEADER_OR_FOLLOWER, 0n), undefined);
  });

  it('asks for a new producer id at epoch Short.MAX and re-sequences under it', () => {
    const m = started(EPOCH_MAX);
    const q = newPartitionQueue('t', 0);
    const [a, b] = [batchOf(q, 1), batchOf(q, 1)];
    drain(m, q, a);
    drain(m, q, b);
    removeFrom(q.unfinished, a);
    m.failed(q, a, true);
    m.bumpEpochIfRequested();
    assert.equal(m.identity, null, 'InitProducerId needed');
    assert.equal(m.mayDrain(q, b), false);
    m.setIdentity({ producerId: PID + 1n, producerEpoch: 0 });
    assert.deepEqual([b.producerId, ...stateOf(b)], [PID + 1n, 0, 0]);
  });

  it('a batch of unknown fate holds new batches; acknowledged later sequences resolve it without a bump', () => {
    const m = started();
    const q = newPartitionQueue('t', 0);
    const [a, b] = [batchOf(q, 2), batchOf(q, 2)];
    drain(m, q, a);
    drain(m, q, b);
    removeFrom(q.unfinished, a);
    m.failed(q, a, false); // expired after a lost answer
    const c = batchOf(q, 1);
    assert.equal(m.mayDrain(q, c), false, 'no new sequences while unresolved');
    ack(m, q, b); // b's success proves a landed too
    m.resolveSequences();
    assert.equal(m.bumpRequested, false);
    assert.ok(drain(m, q, c));
    assert.deepEqual(stateOf(c), [0, 4]);
  });

  it('a batch of unknown fate with nothing acknowledged after it ends in a bump', () => {
    const m = started();
    const q = newPartitionQueue('t', 0);
    const [a, b] = [batchOf(q, 2), batchOf(q, 2)];
    drain(m, q, a);
    drain(m, q, b);
    removeFrom(q.unfinished, a);
    m.failed(q, a, false);
    // b is the batch right after the unresolved one: its OUT_OF_ORDER proves the gap.
    assert.equal(m.canRetry(q, b, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 0n), true);
    assert.equal(m.bumpRequested, true);
    m.bumpEpochIfRequested();
    assert.deepEqual(stateOf(b), [1, 0]);
    const m2 = started();
    const q2 = newPartitionQueue('t', 0);
    const lone = batchOf(q2, 2);
    drain(m2, q2, lone);
    removeFrom(q2.unfinished, lone);
    m2.failed(q2, lone, false);
    m2.resolveSequences();
    assert.equal(m2.bumpRequested, true, 'nothing acknowledged: the gap is real');
  });

  it('UNKNOWN_PRODUCER_ID: retried; without a log start offset no bump, with one a bump', () => {
    const m = started();
    const q = newPartitionQueue('t', 0);
    const a = batchOf(q, 1);
    drain(m, q, a);
    assert.equal(m.canRetry(q, a, ErrorCode.UNKNOWN_PRODUCER_ID, -1n), true);
    assert.equal(m.bumpRequested, false);
    assert.equal(m.canRetry(q, a, ErrorCode.UNKNOWN_PRODUCER_ID, 10n), true);
    assert.equal(m.bumpRequested, true);
  });

  it('sequences wrap past Int32 max to 0', () => {
    assert.equal(incrementSequence(0x7fffffff, 1), 0);
    assert.equal(incrementSequence(0x7ffffffe, 5), 3);
    assert.equal(incrementSequence(-1, 1), 0);
  });
});
