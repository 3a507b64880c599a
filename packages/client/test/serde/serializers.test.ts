import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Serdes } from '../../src/index.js';

describe('Serdes', () => {
  it('writes the same bytes as the Java serializers', () => {
    assert.equal(Serdes.string.serialize('héllo')!.toString('hex'), Buffer.from('héllo', 'utf8').toString('hex'));
    assert.equal(Serdes.short.serialize(-2)!.toString('hex'), 'fffe');
    assert.equal(Serdes.integer.serialize(258)!.toString('hex'), '00000102');
    assert.equal(Serdes.long.serialize(-1n)!.toString('hex'), 'ffffffffffffffff');
    assert.equal(Serdes.double.serialize(1.5)!.toString('hex'), '3ff8000000000000');
    assert.equal(Serdes.string.serialize(null), null);
  });

  it('round-trips every type', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer(),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double({ noNaN: true }),
        (s, sh, i, l, d) => {
          assert.equal(Serdes.string.deserialize(Serdes.string.serialize(s)), s);
          assert.equal(Serdes.short.deserialize(Serdes.short.serialize(sh)), sh);
          assert.equal(Serdes.integer.deserialize(Serdes.integer.serialize(i)), i);
          assert.equal(Serdes.long.deserialize(Serdes.long.serialize(l)), l);
          assert.equal(Serdes.double.deserialize(Serdes.double.serialize(d)), d);
          assert.deepEqual(Serdes.json.deserialize(Serdes.json.serialize({ s, i })), { s, i });
        },
      ),
    );
  });

  it('rejects bytes of the wrong width', () => {
    assert.throws(() => Serdes.integer.deserialize(Buffer.alloc(3)), /expects 4 bytes/);
    assert.throws(() => Serdes.long.deserialize(Buffer.alloc(4)), /expects 8 bytes/);
  });
});
