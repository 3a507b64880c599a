/** Varints and varlongs: Kafka's unsigned LEB128 and zig-zag encodings at their edges. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ProtocolDecodeError, Reader, Writer } from '../../src/index.js';

function written(write: (w: Writer) => void): number[] {
  const w = new Writer(1);
  write(w);
  return [...w.toBuffer()];
}

function reader(bytes: number[]): Reader {
  return new Reader(Buffer.from(bytes));
}

describe('unsigned varint', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [1, [0x01]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [16383, [0xff, 0x7f]],
    [16384, [0x80, 0x80, 0x01]],
    [2 ** 31 - 1, [0xff, 0xff, 0xff, 0xff, 0x07]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
    [2 ** 32 - 1, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [value, bytes] of cases) {
    test(`${value} is ${Buffer.from(bytes).toString('hex')}`, () => {
      assert.deepEqual(
        written((w) => w.writeUVarint(value)),
        bytes,
      );
      const r = reader(bytes);
      assert.equal(r.readUVarint(), value);
      assert.equal(r.remaining, 0);
    });
  }

  test('a value above 32 bits is refused', () => {
    assert.throws(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).readUVarint(), ProtocolDecodeError);
  });
  test('more than 5 bytes is refused', () => {
    assert.throws(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).readUVarint(), ProtocolDecodeError);
  });
  test('a truncated varint is refused', () => {
    assert.throws(() => reader([0x80, 0x80]).readUVarint(), ProtocolDecodeError);
    assert.throws(() => reader([]).readUVarint(), ProtocolDecodeError);
  });
  test('round-trips every uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        const r = new Reader(Buffer.from(written((w) => w.writeUVarint(n))));
        assert.equal(r.readUVarint(), n);
        assert.equal(r.remaining, 0);
      }),
      { seed: 1, numRuns: 2000 },
    );
  });
});

describe('zig-zag varint (int32)', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [2 ** 31 - 1, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-(2 ** 31), [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ];
  for (const [value, bytes] of cases) {
    test(`${value} is ${Buffer.from(bytes).toString('hex')}`, () => {
      assert.deepEqual(
        written((w) => w.writeVarint(value)),
        bytes,
      );
      assert.equal(reader(bytes).readVarint(), value);
    });
  }
  test('round-trips every int32', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        assert.equal(new Reader(Buffer.from(written((w) => w.writeVarint(n)))).readVarint(), n);
      }),
      { seed: 2, numRuns: 2000 },
    );
  });
});

describe('zig-zag varlong (int64 held as a number)', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [300, [0xd8, 0x04]],
    [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [-(2 ** 31) - 1, [0x81, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]],
    [Number.MIN_SAFE_INTEGER, [0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f]],
    // int64's extremes as doubles (Kafka's -1/Long.MIN_VALUE sentinels travel this way).
    [-(2 ** 63), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    [2 ** 62, [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
  ];
  for (const [value, bytes] of cases) {
    test(`${value} is ${Buffer.from(bytes).toString('hex')}`, () => {
      assert.deepEqual(
        written((w) => w.writeVarlong(value)),
        bytes,
      );
      assert.equal(reader(bytes).readVarlong(), value);
    });
  }
  test('Kafka timestamps and deltas round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const r = new Reader(Buffer.from(written((w) => w.writeVarlong(n))));
        assert.equal(r.readVarlong(), n);
        assert.equal(r.remaining, 0);
      }),
      { seed: 3, numRuns: 2000 },
    );
  });
  test('more than 10 bytes is refused, truncation is refused', () => {
    assert.throws(() => reader([...Array(10).fill(0x80), 0x00]).readVarlong(), ProtocolDecodeError);
    assert.throws(() => reader([0xff, 0xff]).readVarlong(), ProtocolDecodeError);
  });
});
