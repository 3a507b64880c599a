/** Tagged-field sections: count, then (tag, size, data) in ascending tag order; unknown tags kept raw. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolDecodeError, Reader, Writer, writeTaggedFields } from '../../src/index.js';

function section(write: (w: Writer) => void): Buffer {
  const w = new Writer();
  write(w);
  return w.toBuffer();
}

describe('tagged fields', () => {
  test('an empty section is one zero byte', () => {
    assert.equal(section((w) => writeTaggedFields(w, undefined, undefined)).toString('hex'), '00');
    assert.equal(section((w) => writeTaggedFields(w, [], [])).toString('hex'), '00');
  });

  test('known and unknown fields are merged in ascending tag order', () => {
    const bytes = section((w) =>
      writeTaggedFields(
        w,
        [
          { tag: 3, write: (x) => x.writeInt16(0x0102) },
          { tag: 0, write: (x) => x.writeCompactString('a') },
        ],
        [{ tag: 1, data: Buffer.from([0xff]) }],
      ),
    );
    // count 3; tag 0 size 2 "02 61"; tag 1 size 1 "ff"; tag 3 size 2 "01 02"
    assert.equal(bytes.toString('hex'), '03' + '00020261' + '0101ff' + '03020102');
  });

  test('the reader hands known tags over and returns unknown ones as raw bytes', () => {
    const bytes = Buffer.from('03' + '00020261' + '0101ff' + '03020102', 'hex');
    const r = new Reader(bytes);
    const seen: [number, unknown][] = [];
    const unknown = r.readTaggedFields((tag, fr) => {
      if (tag === 0) seen.push([tag, fr.readCompactString()]);
      else if (tag === 3) seen.push([tag, fr.readInt16()]);
      else return false;
      return true;
    });
    assert.deepEqual(seen, [
      [0, 'a'],
      [3, 0x0102],
    ]);
    assert.deepEqual(unknown, [{ tag: 1, data: Buffer.from([0xff]) }]);
    assert.equal(r.remaining, 0);
  });

  test('a section round-trips through write → read → write unchanged', () => {
    const raw = [
      { tag: 5, data: Buffer.from([1, 2, 3]) },
      { tag: 700, data: Buffer.alloc(0) },
      { tag: 2 ** 31, data: Buffer.alloc(200, 7) },
    ];
    const bytes = section((w) => writeTaggedFields(w, undefined, raw));
    const back = new Reader(bytes).readTaggedFields(() => false);
    assert.deepEqual(back, raw);
    assert.ok(section((w) => writeTaggedFields(w, undefined, back)).equals(bytes));
  });

  test('out-of-order or repeated tags are refused', () => {
    assert.throws(
      () => new Reader(Buffer.from('02' + '0300' + '0100', 'hex')).readTaggedFields(() => false),
      ProtocolDecodeError,
    );
    assert.throws(
      () => new Reader(Buffer.from('02' + '0100' + '0100', 'hex')).readTaggedFields(() => false),
      ProtocolDecodeError,
    );
  });

  test('a known tag with trailing bytes is refused', () => {
    const r = new Reader(Buffer.from('01' + '00020102', 'hex'));
    assert.throws(
      () =>
        r.readTaggedFields((_tag, fr) => {
          fr.readInt8();
          return true;
        }),
      ProtocolDecodeError,
    );
  });

  test('a size beyond the section is refused', () => {
    assert.throws(
      () => new Reader(Buffer.from('01' + '0005' + '01', 'hex')).readTaggedFields(() => false),
      ProtocolDecodeError,
    );
  });
});
