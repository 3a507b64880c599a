import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Accumulator } from '../../src/producer/accumulator.js';

const noop = { resolve: () => {}, reject: () => {} };
const limits = { nowMs: 0, lingerMs: 10, batchSize: 100, maxInFlightPerPartition: 5, flushing: false };

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
  });

  it('drains a batch when lingered, full, behind another, or flushed', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    acc.batchFor(q, 10, 100, 0)[0].append({ value: null }, 10, noop);
    assert.equal(acc.drain({ ...limits, nowMs: 5 }).length, 0, 'still lingering');
    assert.equal(acc.drain({ ...limits, nowMs: 5, flushing: true }).length, 1, 'flush ignores linger');
    acc.batchFor(q, 10, 100, 20)[0].append({ value: null }, 10, noop);
    assert.equal(acc.nextLingerDeadlineMs(25, 10), 5);
    assert.equal(acc.drain({ ...limits, nowMs: 30 }).length, 1, 'lingered out');
  });

  it('keeps order on retry: a requeued batch goes first and holds later ones while others are in flight', () => {
    const acc = new Accumulator();
    const q = acc.queueOf('t', 0);
    const [a] = acc.batchFor(q, 90, 100, 0);
    a.append({ value: null }, 90, noop);
    const [b] = acc.batchFor(q, 90, 100, 0);
    b.append({ value: null }, 90, noop);
    const [drainedA] = acc.drain({ ...limits, maxInFlightPerPartition: 1 });
    assert.equal(drainedA, a);
    q.inFlight = 1;
    assert.equal(acc.drain({ ...limits, maxInFlightPerPartition: 1 }).length, 0, 'one in flight per partition here');
    q.inFlight = 0;
    a.attempts = 1;
    a.retryAtMs = 50;
    acc.requeue(q, a);
    assert.equal(acc.drain({ ...limits, nowMs: 40 }).length, 0, 'waits for its backoff');
    assert.deepEqual(acc.drain({ ...limits, nowMs: 60 }), [a]);
    assert.deepEqual(acc.drain({ ...limits, nowMs: 60 }), [b]);
  });
});
