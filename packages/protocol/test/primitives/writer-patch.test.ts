import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from '../../src/primitives/index.js';

test('Writer(0) grows instead of looping', () => {
  const w = new Writer(0);
  w.writeInt32(7);
  w.writeCompactString('hello');
  assert.equal(w.length, 10);
});

test('patchInt32 writes a size prefix before and after large referenced pieces', () => {
  const w = new Writer(8);
  w.writeInt32(0);
  const big = Buffer.alloc(8192, 1);
  w.writeRaw(big);
  w.writeInt32(0);
  w.patchInt32(0, 0x01020304);
  w.patchInt32(4 + big.length, -2);
  const out = w.toBuffer();
  assert.equal(out.readInt32BE(0), 0x01020304);
  assert.equal(out.readInt32BE(4 + big.length), -2);
  assert.ok(
    big.every((b) => b === 1),
    'the referenced caller buffer is untouched',
  );
  assert.throws(() => w.patchInt32(out.length, 1), RangeError);
});
