import { Decoder, Encoder } from '@toondepauw/node-zstd';
import { CompressionError, checkOutputLimit } from './compression-error.js';

/**
 * Zstandard frames (RFC 8878), as librdkafka and Java write them, through
 * @toondepauw/node-zstd (prebuilt libzstd binding). Its decoder has no output
 * limit, so before decoding we walk the frames' block headers (3 bytes each,
 * skipped by size: cheap) and add up the most each block can produce; a payload
 * whose bound exceeds the limit is refused without decompressing anything.
 */
export const ZSTD_LEVEL_DEFAULT = 3; // Kafka's compression.zstd.level default

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_BYTES = 128 * 1024;
const DICT_ID_BYTES = [0, 1, 2, 4];
const FCS_BYTES = [0, 2, 4, 8];

const encoders = new Map<number, Encoder>();
let decoder: Decoder | undefined;

function corrupt(message: string): CompressionError {
  return new CompressionError('corrupt', `zstd ${message}`);
}

export function zstdCompress(data: Uint8Array, level = ZSTD_LEVEL_DEFAULT): Buffer {
  let encoder = encoders.get(level);
  if (encoder === undefined) {
    encoder = new Encoder(level);
    encoders.set(level, encoder);
  }
  return encoder.encodeSync(Buffer.from(data.buffer, data.byteOffset, data.length));
}

/** The most bytes the frames in `view` can decompress to, checked against `limitBytes` as it grows. */
export function zstdOutputBound(view: Buffer, limitBytes: number): number {
  let at = 0;
  let bound = 0;
  while (at < view.length) {
    if (view.length - at < 4) throw corrupt('frame magic is truncated');
    const magic = view.readUInt32LE(at);
    at += 4;
    if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      if (view.length - at < 4) throw corrupt('skippable frame size is truncated');
      const size = view.readUInt32LE(at);
      if (size > view.length - at - 4) throw corrupt('skippable frame is truncated');
      at += 4 + size;
      continue;
    }
    if (magic !== FRAME_MAGIC) throw corrupt('payload has a bad frame magic number');
    if (view.length - at < 1) throw corrupt('frame header is truncated');
    const descriptor = view[at]!;
    const singleSegment = (descriptor & 0x20) !== 0;
    const fcsFlag = descriptor >>> 6;
    const headerBytes =
      1 +
      (singleSegment ? 0 : 1) +
      DICT_ID_BYTES[descriptor & 0x03]! +
      (fcsFlag === 0 && singleSegment ? 1 : FCS_BYTES[fcsFlag]!);
    if (view.length - at < headerBytes) throw corrupt('frame header is truncated');
    at += headerBytes;
    for (;;) {
      if (view.length - at < 3) throw corrupt('block header is truncated');
      const header = view[at]! | (view[at + 1]! << 8) | (view[at + 2]! << 16);
      at += 3;
      const type = (header >>> 1) & 0x03;
      const size = header >>> 3;
      if (type === 3) throw corrupt('block has the reserved type');
      const stored = type === 1 ? 1 : size;
      if (stored > view.length - at) throw corrupt('block is truncated');
      at += stored;
      bound += type === 2 ? BLOCK_MAX_BYTES : size;
      checkOutputLimit('zstd', bound, limitBytes);
      if (header & 1) break;
    }
    if (descriptor & 0x04) {
      if (view.length - at < 4) throw corrupt('content checksum is truncated');
      at += 4;
    }
  }
  return bound;
}

export function zstdDecompress(data: Uint8Array, limitBytes: number): Buffer {
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  zstdOutputBound(view, limitBytes);
  decoder ??= new Decoder();
  try {
    return decoder.decodeSync(view);
  } catch (e) {
    throw new CompressionError('corrupt', `zstd payload is corrupt: ${(e as Error).message}`, { cause: e });
  }
}
