import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Accumulator, type DrainContext } from '../../src/producer/accumulator.js';
import type { ProducerBatch } from '../../src/producer/producer-batch.js';

const noop = { resolve: () => {}, reject: () => {} };
const ctx: DrainContext = {
  nowMs: 0,
  lingerMs: 10,
  batchSize: 100,
  maxInFlightPerPartition: 5,
  flushing: false,
  leaderOf: () => 1,
  mayDrain: () => true,
};

function fill(acc: Accumulator, sizes: number[], nowMs = 0): ProducerBatch[] {
  const q = acc.queueOf('t', 0);
  const out: ProducerBatch[] = [];
  for (const size of sizes) {
    const [batch] = acc.batchFor(q, size, 100, nowMs);
    batch.append({ value: null }, size, noop);
    if (!out.includes(batch)) out.push(batch);
  }
  return out;
}

/** Drains like the sender: each drained batch counts as unfinished and in flight. */
function send(acc: Accumulator, over: Partial<DrainContext> = {}): ProducerBatch[] {
  const { batches } = acc.drain({ ...ctx, ...over });
  for (const b of batches) {
    const q = acc.queueOf(b.topic, b.partition);
    acc.track(q, b);
    q.inFlight++;
    b.inFlight = true;
    b.attempts++;
  }
  return batches;
}

function answered(acc: Accumulator, b: ProducerBatch): void {
  acc.queueOf(b.topic, b.partition).inFlight--;
  b.inFlight = false;
}

describe('Accumulator', () => {
  it('fills a batch up to batch.size, then starts a new one', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    const [first, newFirst] = acc.batchFor(q, 30, 100, 0);
    first.append({ value: null }, 30, noop);
    assert.equal(newFirst, false);
    const [same] = acc.batchFor(q, 9, 100, 0);
    assert.equal(same, first);
    same.append({ value: null }, 9, noop);
    const [next, started] = acc.batchFor(q, 30, 100, 0);
    assert.notEqual(next, first);
    assert.equal(started, true);
    assert.ok(next.order > first.order, 'batches are numbered in creation order');
  });

  it('drains a batch when lingered, full, behind another, or flushed', () => {
    const acc = new Accumulator();
    fill(acc, [10]);
    assert.equal(acc.drain({ ...ctx, nowMs: 5 }).batches.length, 0, 'still lingering');
    assert.equal(acc.drain({ ...ctx, nowMs: 5, flushing: true }).batches.length, 1, 'flush ignores linger');
    fill(acc, [10], 20);
    assert.equal(acc.nextReadyInMs(25, 10), 5);
    assert.equal(acc.drain({ ...ctx, nowMs: 30 }).batches.length, 1, 'lingered out');
    fill(acc, [60, 60], 40);
    assert.equal(acc.drain({ ...ctx, nowMs: 41 }).batches.length, 1, 'the first of two goes at once');
  });

  it('puts a retried batch back in order and sends it only as the oldest unfinished batch, after its backoff', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    const [a, b, c] = fill(acc, [90, 90, 90, 90]);
    assert.deepEqual(send(acc), [a]);
    assert.deepEqual(send(acc), [b]);
    assert.deepEqual(send(acc), [c]);
    // b fails first, then a: both go back before the waiting fourth batch, a ahead of b.
    answered(acc, b!);
    b!.retryAtMs = 50;
    acc.requeue(q, b!);
    answered(acc, a!);
    a!.retryAtMs = 50;
    acc.requeue(q, a!);
    assert.deepEqual(q.batches.slice(0, 2), [a, b]);
    assert.deepEqual(send(acc, { nowMs: 40 }), [], 'backoff not over');
    assert.deepEqual(send(acc, { nowMs: 60 }), [a]);
    assert.deepEqual(send(acc, { nowMs: 60 }), [], 'b waits while a, older, is unfinished');
    answered(acc, a!);
    acc.finish(q, a!);
    assert.deepEqual(send(acc, { nowMs: 60 }), [b], 'then b goes');
    assert.deepEqual(q.unfinished, [b, c]);
  });

  it('holds new batches while an older one is being retried, until it settles', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    const [a, b] = fill(acc, [90, 90, 90]);
    assert.deepEqual(send(acc), [a]);
    assert.deepEqual(send(acc), [b]);
    // a was stored but answered with a retriable error; b succeeded.
    answered(acc, a!);
    acc.requeue(q, a!);
    answered(acc, b!);
    acc.finish(q, b!);
    assert.deepEqual(send(acc), [a], 'the retry goes');
    assert.deepEqual(send(acc), [], 'the third batch waits while a is in retry');
    answered(acc, a!);
    acc.finish(q, a!);
    assert.equal(send(acc).length, 1, 'then it goes');
  });

  it('holds a partition whose leader is unknown and reports its topic', () => {
    const acc = new Accumulator();
    fill(acc, [10]);
    const drained = acc.drain({ ...ctx, nowMs: 20, leaderOf: () => -1 });
    assert.deepEqual(drained.batches, []);
    assert.deepEqual([...drained.unknownLeaderTopics], ['t']);
    assert.equal(acc.drain({ ...ctx, nowMs: 20 }).batches.length, 1);
  });

  it('respects the in-flight limit per partition and the idempotence gate', () => {
    const acc = new Accumulator();
    fill(acc, [90, 90, 90]);
    assert.equal(send(acc, { maxInFlightPerPartition: 1 }).length, 1);
    assert.equal(send(acc, { maxInFlightPerPartition: 1 }).length, 0);
    assert.equal(send(acc, { mayDrain: () => false }).length, 0);
    assert.equal(send(acc).length, 1);
  });

  it('replaces a split batch by its parts in its place, so they go before newer batches', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    const [big, later] = fill(acc, [10, 10, 10, 90]);
    assert.deepEqual(send(acc), [big]);
    answered(acc, big!);
    const parts = big!.split(2, () => 10);
    assert.deepEqual(
      parts.map((p) => p.recordCount),
      [2, 1],
    );
    acc.replace(q, big!, parts);
    assert.deepEqual(q.batches, [...parts, later]);
    assert.deepEqual(q.unfinished, parts);
    assert.ok(parts.every((p) => p.order >= big!.order && p.order < later!.order));
    assert.deepEqual(send(acc), [parts[0]]);
  });
});
