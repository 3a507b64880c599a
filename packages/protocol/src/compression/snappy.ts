import { compressSync, uncompressSync } from 'snappy';
import { CompressionError, checkOutputLimit } from './compression-error.js';

/**
 * Snappy for Kafka batches. The Java producer writes xerial framing
 * (snappy-java's SnappyOutputStream): an 8-byte magic, int32 version and
 * compatible version, then chunks of int32 length + a raw snappy block.
 * librdkafka and kafkajs write one raw snappy block. Both readers accept both,
 * so we read both and write xerial, like Java.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default SnappyOutputStream block size. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

export function isXerialFramed(data: Uint8Array): boolean {
  if (data.length < XERIAL_HEADER_BYTES) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (data[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** A raw snappy block starts with its uncompressed length as an unsigned varint. */
function rawUncompressedLength(block: Uint8Array): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const b = block[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return value;
  }
  throw new CompressionError('corrupt', 'snappy block has no valid length preamble');
}

function uncompressRaw(block: Uint8Array, limitBytes: number): Buffer {
  checkOutputLimit('snappy', rawUncompressedLength(block), limitBytes);
  try {
    return uncompressSync(block, { asBuffer: true, copyOutputData: true }) as Buffer;
  } catch (e) {
    throw new CompressionError('corrupt', `snappy block is corrupt: ${(e as Error).message}`, { cause: e });
  }
}

export function snappyCompress(data: Uint8Array): Buffer {
  const chunks = Math.max(1, Math.ceil(data.length / XERIAL_BLOCK_BYTES));
  const parts: Buffer[] = new Array(chunks + 1);
  const header = Buffer.allocUnsafe(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts[0] = header;
  let total = XERIAL_HEADER_BYTES;
  for (let i = 0; i < chunks; i++) {
    const block = compressSync(data.subarray(i * XERIAL_BLOCK_BYTES, (i + 1) * XERIAL_BLOCK_BYTES), {
      copyOutputData: true,
    });
    const framed = Buffer.allocUnsafe(4 + block.length);
    framed.writeInt32BE(block.length, 0);
    block.copy(framed, 4);
    parts[i + 1] = framed;
    total += framed.length;
  }
  return Buffer.concat(parts, total);
}

export function snappyDecompress(data: Uint8Array, limitBytes: number): Buffer {
  if (!isXerialFramed(data)) return uncompressRaw(data, limitBytes);
  const view = Buffer.from(data.buffer, data.byteOffset, data.length);
  const parts: Buffer[] = [];
  let total = 0;
  let at = XERIAL_HEADER_BYTES;
  while (at < view.length) {
    if (view.length - at < 4) throw new CompressionError('corrupt', 'xerial snappy chunk length is truncated');
    const size = view.readInt32BE(at);
    at += 4;
    if (size < 0 || size > view.length - at) {
      throw new CompressionError('corrupt', `xerial snappy chunk of ${size} bytes exceeds the payload`);
    }
    const part = uncompressRaw(view.subarray(at, at + size), limitBytes - total);
    at += size;
    total += part.length;
    parts.push(part);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
