import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CRC32C_NATIVE_THRESHOLD_BYTES, crc32c, crc32cJs, crc32cNative } from '../../src/records/crc32c.js';

test('CRC32C check value of "123456789" is 0xE3069283 (RFC 3720) in both implementations', () => {
  const data = Buffer.from('123456789');
  assert.equal(crc32cJs(data), 0xe3069283);
  assert.equal(crc32cNative(data), 0xe3069283);
  assert.equal(crc32c(data), 0xe3069283);
});

test('CRC32C of 32 zero bytes and 32 0xFF bytes match RFC 3720 B.4', () => {
  assert.equal(crc32cJs(Buffer.alloc(32)), 0x8a9136aa);
  assert.equal(crc32cJs(Buffer.alloc(32, 0xff)), 0x62a8ab43);
});

test('JS slicing-by-16 equals the native CRC32C for random data, offsets and continuations', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(2000), (bytes, cut) => {
      const data = Buffer.from(bytes);
      const expected = crc32cNative(data);
      assert.equal(crc32cJs(data), expected);
      assert.equal(crc32c(data), expected);
      const at = Math.min(cut, data.length);
      assert.equal(crc32cJs(data.subarray(at), crc32cJs(data.subarray(0, at))), expected);
      assert.equal(crc32cJs(data, 0, 0, at), crc32cNative(data.subarray(0, at)));
    }),
    { seed: 20261125, numRuns: 300 },
  );
});

test('the dispatching crc32c agrees on both sides of the native threshold and on non-Buffer views', () => {
  for (const size of [CRC32C_NATIVE_THRESHOLD_BYTES - 1, CRC32C_NATIVE_THRESHOLD_BYTES, 70_000]) {
    const data = new Uint8Array(size + 3).map((_, i) => (i * 31 + 7) & 0xff).subarray(3);
    assert.equal(crc32c(data), crc32cJs(data));
  }
});
