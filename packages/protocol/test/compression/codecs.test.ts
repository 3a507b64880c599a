import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { compressFrameSync, decompressFrameSync, compressSync as lz4BlockCompress } from 'lz4-napi';
import { compressSync as snappyRawCompress } from 'snappy';
import { compress, decompress } from '../../src/compression/codecs.js';
import { CompressionError } from '../../src/compression/compression-error.js';
import { DECOMPRESSED_BYTES_MAX_DEFAULT } from '../../src/compression/limits.js';
import { isXerialFramed, snappyDecompress } from '../../src/compression/snappy.js';
import { zstdOutputBound } from '../../src/compression/zstd.js';
import { xxhash32 } from '../../src/hash/xxhash32.js';
import { ProtocolDecodeError } from '../../src/primitives/protocol-error.js';

const CODECS = [1, 2, 3, 4];
const jsonLines = Buffer.from(
  Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: i, user: `u${i % 97}`, action: 'click', n: i * 7 })).join(
    '\n',
  ),
);
const isTooLarge = (e: unknown) => e instanceof CompressionError && e.reason === 'too-large';
const isCorrupt = (e: unknown) => e instanceof CompressionError && e.reason === 'corrupt';

test('every codec round-trips empty, tiny, multi-block and incompressible inputs', () => {
  const random = Buffer.alloc(200_000);
  for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
  for (const codec of CODECS) {
    for (const input of [Buffer.alloc(0), Buffer.from('x'), jsonLines, random]) {
      assert.deepEqual(decompress(codec, compress(codec, input)), input, `codec ${codec}, ${input.length} bytes`);
    }
  }
});

test('snappy: we write xerial framing like Java and read both xerial and raw blocks', () => {
  const framed = compress(2, jsonLines);
  assert.equal(isXerialFramed(framed), true);
  assert.deepEqual([...framed.subarray(0, 16)], [0x82, 83, 78, 65, 80, 80, 89, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  // More than one 32 KiB chunk: the second chunk length must be where the first one ends.
  const firstChunk = framed.readInt32BE(16);
  assert.ok(framed.length > 20 + firstChunk + 4);
  const raw = snappyRawCompress(jsonLines);
  assert.equal(isXerialFramed(raw), false);
  assert.deepEqual(snappyDecompress(raw, 1 << 20), jsonLines);
});

test('lz4: frame header and checksum as the spec says; frames from another writer decode', () => {
  const frame = compress(3, jsonLines);
  assert.equal(frame.readUInt32LE(0), 0x184d2204);
  assert.equal(frame[4], 0x60, 'version 1, independent blocks, no checksums');
  assert.equal(frame[5], 0x40, '64 KiB blocks');
  assert.equal(frame[6], (xxhash32(frame.subarray(4, 6)) >>> 8) & 0xff);
  // Another reader (lz4_flex's frame decoder) accepts our frames.
  assert.deepEqual(decompressFrameSync(frame), jsonLines);
  // lz4-napi's own frame writer (lz4_flex) with both checksum kinds.
  const other = compressFrameSync(jsonLines, { contentChecksum: true, blockChecksums: true });
  assert.deepEqual(decompress(3, other), jsonLines);
});

/** Builds an LZ4 frame by hand: content size, block and content checksums, one compressed and one stored block. */
function handMadeFrame(content: Buffer, linkedFlag: boolean): Buffer {
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x40 | (linkedFlag ? 0 : 0x20) | 0x10 | 0x08 | 0x04;
  descriptor[1] = 0x70; // 4 MiB blocks
  descriptor.writeBigUInt64LE(BigInt(content.length), 2);
  const half = content.length >> 1;
  const first = lz4BlockCompress(content.subarray(0, half)).subarray(4);
  const second = content.subarray(half);
  const parts: Buffer[] = [
    Buffer.from([0x04, 0x22, 0x4d, 0x18]),
    descriptor,
    Buffer.from([(xxhash32(descriptor) >>> 8) & 0xff]),
  ];
  const word = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    return b;
  };
  parts.push(word(first.length), first, word(xxhash32(first)));
  parts.push(word(second.length | 0x80000000), second, word(xxhash32(second)));
  parts.push(word(0), word(xxhash32(content)));
  return Buffer.concat(parts);
}

test('lz4: content size, block checksums, content checksum and stored blocks are honoured', () => {
  for (const linked of [false, true]) {
    const frame = handMadeFrame(jsonLines, linked);
    assert.deepEqual(decompress(3, frame), jsonLines);
    const badContent = Buffer.from(frame);
    badContent[badContent.length - 1]! ^= 1;
    assert.throws(() => decompress(3, badContent), isCorrupt);
    const badHeader = Buffer.from(frame);
    badHeader[14]! ^= 1;
    assert.throws(() => decompress(3, badHeader), isCorrupt);
  }
  // Concatenated frames decode to the concatenated contents.
  assert.deepEqual(
    decompress(3, Buffer.concat([compress(3, Buffer.from('ab')), compress(3, Buffer.from('cd'))])),
    Buffer.from('abcd'),
  );
});

test('decompression is bounded: each codec refuses output above the limit with a typed error', () => {
  const zeros = Buffer.alloc(4 << 20);
  for (const codec of CODECS) {
    const packed = compress(codec, zeros);
    assert.ok(packed.length < 300_000, `codec ${codec} packs zeros`);
    assert.throws(() => decompress(codec, packed, { maxDecompressedBytes: 1 << 20 }), isTooLarge, `codec ${codec}`);
    assert.equal(decompress(codec, packed, { maxDecompressedBytes: 4 << 20 }).length, 4 << 20);
  }
  assert.throws(() => decompress(1, gzipSync(zeros), { maxDecompressedBytes: (4 << 20) - 1 }), isTooLarge);
});

test('snappy and lz4 refuse a claimed size above the limit before decompressing', () => {
  // A raw snappy block whose preamble claims 2^32-1 bytes.
  assert.throws(() => decompress(2, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00])), isTooLarge);
  const frame = handMadeFrame(jsonLines, false);
  frame.writeBigUInt64LE(1n << 40n, 6);
  frame[14] = (xxhash32(frame.subarray(4, 14)) >>> 8) & 0xff;
  assert.throws(() => decompress(3, frame), isTooLarge);
});

test('zstd: a frame of RLE blocks claiming more than the default 64 MiB is refused without decoding', () => {
  const blocks = 600; // 600 x 128 KiB = 75 MiB
  const frame = Buffer.alloc(6 + blocks * 4);
  frame.writeUInt32LE(0xfd2fb528, 0);
  frame[4] = 0x00; // no content size, not single segment
  frame[5] = 0x58; // window 8 MiB
  for (let i = 0; i < blocks; i++) {
    const header = ((128 * 1024) << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0);
    const at = 6 + i * 4;
    frame[at] = header & 0xff;
    frame[at + 1] = (header >>> 8) & 0xff;
    frame[at + 2] = (header >>> 16) & 0xff;
    frame[at + 3] = 0x41;
  }
  assert.throws(() => zstdOutputBound(frame, DECOMPRESSED_BYTES_MAX_DEFAULT), isTooLarge);
  assert.throws(() => decompress(4, frame), isTooLarge);
  assert.equal(zstdOutputBound(frame, 1 << 30), blocks * 128 * 1024);
  assert.equal(decompress(4, frame, { maxDecompressedBytes: 1 << 30 }).length, blocks * 128 * 1024);
});

test('an unknown codec id is unsupported-codec (UNSUPPORTED_COMPRESSION_TYPE)', () => {
  assert.throws(
    () => decompress(5, Buffer.alloc(1)),
    (e: unknown) => e instanceof CompressionError && e.reason === 'unsupported-codec' && e.errorCode === 76,
  );
  assert.throws(() => compress(7, Buffer.alloc(1)), CompressionError);
});

test('random and mutated payloads give only CompressionError', () => {
  const samples = CODECS.map((codec) => compress(codec, jsonLines.subarray(0, 5000)));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 3 }),
      fc.uint8Array({ maxLength: 64 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      fc.nat(),
      (index, prefix, flips, cut) => {
        const codec = CODECS[index]!;
        for (const input of [Buffer.from(prefix), mutate(samples[index]!, flips, cut)]) {
          try {
            decompress(codec, input, { maxDecompressedBytes: 1 << 20 });
          } catch (e) {
            assert.ok(e instanceof CompressionError && e instanceof ProtocolDecodeError, String(e));
          }
        }
      },
    ),
    { seed: 20261125, numRuns: 400 },
  );
});

function mutate(sample: Buffer, flips: [number, number][], cut: number): Buffer {
  const copy = Buffer.from(sample.subarray(0, sample.length - (cut % 8)));
  for (const [at, mask] of flips) copy[at % copy.length]! ^= mask;
  return copy;
}
