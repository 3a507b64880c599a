import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topicNameProblem } from '../../src/metadata/topic-name.js';

describe('topicNameProblem', () => {
  for (const ok of ['a', 'orders', 'a.b_c-D9', 'x'.repeat(249), '...']) {
    it(`accepts ${ok.slice(0, 20)}`, () => assert.equal(topicNameProblem(ok), null));
  }
  for (const bad of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'é', 'a:b']) {
    it(`rejects "${bad.slice(0, 20)}"`, () => assert.notEqual(topicNameProblem(bad), null));
  }
});
