import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FetchSession, FetchSessionCache } from '../../src/fetch/fetch-session-cache.js';

describe('FetchSessionCache', () => {
  it('is bounded: creating beyond the slots evicts the least recently used session', () => {
    const cache = new FetchSessionCache(2);
    const a = cache.create(false, 0)!;
    const b = cache.create(false, 1)!;
    assert.notEqual(a.id, b.id);
    assert.ok(a.id > 0 && b.id > 0);
    cache.get(a.id, 2); // a is now the most recently used
    const c = cache.create(false, 3)!;
    assert.equal(cache.size, 2);
    assert.equal(cache.evictions, 1);
    assert.equal(cache.get(b.id, 4), undefined);
    assert.ok(cache.get(a.id, 4));
    assert.ok(cache.get(c.id, 4));
  });

  it('has no sessions with zero slots', () => {
    assert.equal(new FetchSessionCache(0).create(false, 0), undefined);
  });

  it('epochs wrap from Int32.MAX to 1', () => {
    const s = new FetchSession(1, false, 0);
    s.epoch = 0x7fffffff;
    s.advanceEpoch();
    assert.equal(s.epoch, 1);
  });
});
