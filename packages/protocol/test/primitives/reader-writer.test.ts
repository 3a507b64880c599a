/** Reader/Writer: fixed-width values, strings, bytes, arrays, uuids and hostile length prefixes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ProtocolDecodeError, Reader, Writer, ZERO_UUID, uuidFromBytes, uuidToBytes } from '../../src/index.js';

function bytesOf(write: (w: Writer) => void, capacity = 1): Buffer {
  const w = new Writer(capacity);
  write(w);
  assert.equal(w.toBuffer().length, w.length);
  return w.toBuffer();
}

function hex(write: (w: Writer) => void): string {
  return bytesOf(write).toString('hex');
}

describe('fixed-width values are big-endian', () => {
  test('layouts', () => {
    assert.equal(
      hex((w) => w.writeBool(true)),
      '01',
    );
    assert.equal(
      hex((w) => w.writeInt8(-2)),
      'fe',
    );
    assert.equal(
      hex((w) => w.writeInt16(-2)),
      'fffe',
    );
    assert.equal(
      hex((w) => w.writeUInt16(65535)),
      'ffff',
    );
    assert.equal(
      hex((w) => w.writeInt32(0x01020304)),
      '01020304',
    );
    assert.equal(
      hex((w) => w.writeUInt32(0xfffffffe)),
      'fffffffe',
    );
    assert.equal(
      hex((w) => w.writeInt64(-2n)),
      'fffffffffffffffe',
    );
    assert.equal(
      hex((w) => w.writeFloat64(1)),
      '3ff0000000000000',
    );
  });

  test('any non-zero byte reads as true', () => {
    assert.equal(new Reader(Buffer.from([2])).readBool(), true);
    assert.equal(new Reader(Buffer.from([0])).readBool(), false);
  });

  test('round-trip at their ranges', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -128, max: 127 }),
        fc.integer({ min: -32768, max: 32767 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.double(),
        (i8, i16, u16, i32, u32, i64, f64) => {
          const buf = bytesOf((w) => {
            w.writeInt8(i8);
            w.writeInt16(i16);
            w.writeUInt16(u16);
            w.writeInt32(i32);
            w.writeUInt32(u32);
            w.writeInt64(i64);
            w.writeFloat64(f64);
          });
          assert.equal(buf.length, 1 + 2 + 2 + 4 + 4 + 8 + 8);
          const r = new Reader(buf);
          assert.equal(r.readInt8(), i8);
          assert.equal(r.readInt16(), i16);
          assert.equal(r.readUInt16(), u16);
          assert.equal(r.readInt32(), i32);
          assert.equal(r.readUInt32(), u32);
          assert.equal(r.readInt64(), i64);
          assert.ok(Object.is(r.readFloat64(), f64));
          assert.equal(r.remaining, 0);
        },
      ),
      { seed: 11, numRuns: 500 },
    );
  });

  test('every read past the end throws ProtocolDecodeError', () => {
    const short = () => new Reader(Buffer.from([1, 2, 3]), 1);
    for (const read of [
      (r: Reader) => r.readInt32(),
      (r: Reader) => r.readUInt32(),
      (r: Reader) => r.readInt64(),
      (r: Reader) => r.readFloat64(),
      (r: Reader) => r.readUuid(),
    ])
      assert.throws(() => read(short()), ProtocolDecodeError);
    // The end bound is honoured even when the buffer itself is longer.
    assert.throws(() => new Reader(Buffer.alloc(8), 0, 3).readInt32(), ProtocolDecodeError);
  });
});

describe('strings', () => {
  test('classic strings: int16 length of the UTF-8 bytes, -1 for null', () => {
    assert.equal(
      hex((w) => w.writeString('é')),
      '0002c3a9',
    );
    assert.equal(
      hex((w) => w.writeNullableString(null)),
      'ffff',
    );
    assert.equal(
      hex((w) => w.writeString('')),
      '0000',
    );
    assert.equal(new Reader(Buffer.from('0002c3a9', 'hex')).readString(), 'é');
    assert.equal(new Reader(Buffer.from('ffff', 'hex')).readNullableString(), null);
  });

  test('compact strings: uvarint length+1, 0 for null', () => {
    assert.equal(
      hex((w) => w.writeCompactString('ab')),
      '036162',
    );
    assert.equal(
      hex((w) => w.writeCompactNullableString(null)),
      '00',
    );
    assert.equal(
      hex((w) => w.writeCompactString('')),
      '01',
    );
    assert.equal(new Reader(Buffer.from('036162', 'hex')).readCompactString(), 'ab');
    assert.equal(new Reader(Buffer.from('00', 'hex')).readCompactNullableString(), null);
  });

  test('null where a field is not nullable, and lengths below -1, are refused', () => {
    assert.throws(() => new Reader(Buffer.from('ffff', 'hex')).readString(), ProtocolDecodeError);
    assert.throws(() => new Reader(Buffer.from('fffe', 'hex')).readNullableString(), ProtocolDecodeError);
    assert.throws(() => new Reader(Buffer.from('00', 'hex')).readCompactString(), ProtocolDecodeError);
  });

  test('round-trip in all four encodings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.option(fc.string({ unit: 'binary' })), (s, n) => {
        const buf = bytesOf((w) => {
          w.writeString(s);
          w.writeNullableString(n);
          w.writeCompactString(s);
          w.writeCompactNullableString(n);
        });
        const r = new Reader(buf);
        assert.equal(r.readString(), s);
        assert.equal(r.readNullableString(), n);
        assert.equal(r.readCompactString(), s);
        assert.equal(r.readCompactNullableString(), n);
        assert.equal(r.remaining, 0);
      }),
      { seed: 12, numRuns: 500 },
    );
  });
});

describe('bytes', () => {
  test('int32 length or compact uvarint length+1; reads are views of the input', () => {
    const buf = bytesOf((w) => {
      w.writeBytes(Buffer.from([7, 8]));
      w.writeNullableBytes(null);
      w.writeCompactBytes(Buffer.from([9]));
      w.writeCompactNullableBytes(null);
    });
    assert.equal(buf.toString('hex'), '000000020708ffffffff020900');
    const r = new Reader(buf);
    const first = r.readBytes();
    assert.deepEqual([...first], [7, 8]);
    assert.equal(first.buffer, buf.buffer, 'bytes were copied, not viewed');
    assert.equal(r.readNullableBytes(), null);
    assert.deepEqual([...r.readCompactBytes()], [9]);
    assert.equal(r.readCompactNullableBytes(), null);
    assert.equal(r.remaining, 0);
  });

  test('null where not nullable, and lengths below -1, are refused', () => {
    assert.throws(() => new Reader(Buffer.from('ffffffff', 'hex')).readBytes(), ProtocolDecodeError);
    assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).readNullableBytes(), ProtocolDecodeError);
    assert.throws(() => new Reader(Buffer.from('00', 'hex')).readCompactBytes(), ProtocolDecodeError);
  });

  test('round-trip, including sizes the writer references instead of copying', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), fc.option(fc.uint8Array({ maxLength: 64 })), (b, n) => {
        const buf = bytesOf((w) => {
          w.writeBytes(b);
          w.writeNullableBytes(n);
          w.writeCompactBytes(b);
          w.writeCompactNullableBytes(n);
        });
        const r = new Reader(buf);
        assert.deepEqual(new Uint8Array(r.readBytes()), b);
        assert.deepEqual(nullableView(r.readNullableBytes()), n);
        assert.deepEqual(new Uint8Array(r.readCompactBytes()), b);
        assert.deepEqual(nullableView(r.readCompactNullableBytes()), n);
        assert.equal(r.remaining, 0);
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

function nullableView(b: Buffer | null): Uint8Array | null {
  return b === null ? null : new Uint8Array(b);
}

describe('array lengths', () => {
  test('classic int32 with -1 for null; compact uvarint n+1 with 0 for null', () => {
    assert.equal(
      hex((w) => w.writeArrayLength(-1)),
      'ffffffff',
    );
    assert.equal(
      hex((w) => w.writeCompactArrayLength(-1)),
      '00',
    );
    assert.equal(
      hex((w) => w.writeCompactArrayLength(2)),
      '03',
    );
    assert.equal(new Reader(Buffer.from('ffffffff', 'hex')).readArrayLength(), -1);
    assert.equal(new Reader(Buffer.from('00', 'hex')).readCompactArrayLength(), -1);
    assert.equal(new Reader(Buffer.from('030000', 'hex')).readCompactArrayLength(), 2);
    assert.throws(() => new Reader(Buffer.from('fffffffe', 'hex')).readArrayLength(), ProtocolDecodeError);
  });
});

describe('hostile length prefixes fail at once, without allocating', () => {
  /** Each case: a 10-byte input whose prefix claims 2^31-1 (or the most its encoding can). */
  const cases: [string, (r: Reader) => unknown, Buffer][] = [
    ['bytes', (r) => r.readBytes(), Buffer.from('7fffffff000000000000', 'hex')],
    ['nullable bytes', (r) => r.readNullableBytes(), Buffer.from('7fffffff000000000000', 'hex')],
    ['compact bytes', (r) => r.readCompactBytes(), Buffer.from('ffffffff070000000000', 'hex')],
    ['compact nullable bytes', (r) => r.readCompactNullableBytes(), Buffer.from('ffffffff0f0000000000', 'hex')],
    ['array', (r) => r.readArrayLength(), Buffer.from('7fffffff000000000000', 'hex')],
    ['compact array', (r) => r.readCompactArrayLength(), Buffer.from('ffffffff070000000000', 'hex')],
    ['string', (r) => r.readString(), Buffer.from('7fff0000000000000000', 'hex')],
    ['compact string', (r) => r.readCompactString(), Buffer.from('ffffffff070000000000', 'hex')],
    ['raw', (r) => r.readRaw(2 ** 31 - 1), Buffer.alloc(10)],
    ['tagged fields', (r) => r.readTaggedFields(() => false), Buffer.from('ffffffff070000000000', 'hex')],
  ];
  for (const [what, read, input] of cases) {
    test(what, () => {
      assert.equal(input.length, 10);
      const before = process.memoryUsage().arrayBuffers;
      const started = performance.now();
      assert.throws(() => read(new Reader(input)), ProtocolDecodeError);
      assert.ok(performance.now() - started < 50, 'took too long to refuse');
      assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20, 'allocated from the length prefix');
    });
  }
});

describe('uuid', () => {
  test('16 bytes on the wire, URL-safe base64 in memory', () => {
    assert.equal(ZERO_UUID, uuidFromBytes(Buffer.alloc(16)));
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const w = new Writer();
    w.writeUuid(uuidFromBytes(bytes));
    assert.ok(w.toBuffer().equals(bytes));
    assert.equal(new Reader(bytes).readUuid(), uuidFromBytes(bytes));
    assert.ok(uuidToBytes(uuidFromBytes(bytes)).equals(bytes));
    assert.throws(() => uuidToBytes('short'), RangeError);
  });
});

describe('writer buffering', () => {
  test('grows past its initial capacity and keeps every byte', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 5000 }), { maxLength: 12 }), (pieces) => {
        const w = new Writer(1);
        for (const p of pieces) w.writeRaw(p);
        const expected = Buffer.concat(pieces.map((p) => Buffer.from(p)));
        assert.equal(w.length, expected.length);
        assert.ok(w.toBuffer().equals(expected));
      }),
      { seed: 14, numRuns: 100 },
    );
  });

  test('large byte fields are referenced, not copied, and sizes can be patched afterwards', () => {
    const big = Buffer.alloc(8192, 0xaa);
    const w = new Writer();
    w.writeInt32(0);
    w.writeBytes(big);
    w.writeInt32(0);
    const trailerAt = w.length - 4;
    w.patchInt32(0, w.length - 4);
    w.patchInt32(trailerAt, 0x01020304);
    const chunks = w.chunks();
    assert.ok(
      chunks.some((c) => c === big),
      'the record bytes were copied',
    );
    const out = Buffer.concat(chunks);
    assert.equal(out.readInt32BE(0), 4 + 8192 + 4);
    assert.equal(out.readInt32BE(out.length - 4), 0x01020304);
    assert.ok(
      big.every((b) => b === 0xaa),
      'patching wrote into the referenced buffer',
    );
  });
});
