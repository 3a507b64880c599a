import { CompressionType } from '../records/batch-header.js';
import { CompressionError } from './compression-error.js';
import { gzipCompress, gzipDecompress } from './gzip.js';
import { DECOMPRESSED_BYTES_MAX_DEFAULT } from './limits.js';
import { lz4Compress, lz4Decompress } from './lz4-frame.js';
import { snappyCompress, snappyDecompress } from './snappy.js';
import { zstdCompress, zstdDecompress } from './zstd.js';

/** The codec ids of a v2 batch's attributes (bits 0-2). */
export function compressionName(type: number): string {
  switch (type) {
    case CompressionType.none:
      return 'none';
    case CompressionType.gzip:
      return 'gzip';
    case CompressionType.snappy:
      return 'snappy';
    case CompressionType.lz4:
      return 'lz4';
    case CompressionType.zstd:
      return 'zstd';
    default:
      return `unknown(${type})`;
  }
}

export interface CompressOptions {
  /** gzip 1-9 (default 6) or zstd level (default 3); ignored by snappy and lz4. */
  level?: number;
}

export function compress(type: number, data: Uint8Array, options: CompressOptions = {}): Buffer {
  switch (type) {
    case CompressionType.none:
      return Buffer.from(data.buffer, data.byteOffset, data.length);
    case CompressionType.gzip:
      return gzipCompress(data, options.level);
    case CompressionType.snappy:
      return snappyCompress(data);
    case CompressionType.lz4:
      return lz4Compress(data);
    case CompressionType.zstd:
      return zstdCompress(data, options.level);
    default:
      throw new CompressionError('unsupported-codec', `unsupported compression type ${type}`);
  }
}

export interface DecompressOptions {
  /** Output limit; larger payloads fail with CompressionError reason 'too-large'. Default 64 MiB. */
  maxDecompressedBytes?: number;
}

export function decompress(type: number, data: Uint8Array, options: DecompressOptions = {}): Buffer {
  const limit = options.maxDecompressedBytes ?? DECOMPRESSED_BYTES_MAX_DEFAULT;
  switch (type) {
    case CompressionType.none:
      return Buffer.from(data.buffer, data.byteOffset, data.length);
    case CompressionType.gzip:
      return gzipDecompress(data, limit);
    case CompressionType.snappy:
      return snappyDecompress(data, limit);
    case CompressionType.lz4:
      return lz4Decompress(data, limit);
    case CompressionType.zstd:
      return zstdDecompress(data, limit);
    default:
      throw new CompressionError('unsupported-codec', `unsupported compression type ${type}`);
  }
}
