export {
  compress,
  compressionName,
  decompress,
  type CompressOptions,
  type DecompressOptions,
} from './codecs.js';
export { CompressionError, type CompressionErrorReason } from './compression-error.js';
export { DECOMPRESSED_BYTES_MAX_DEFAULT } from './limits.js';
export { GZIP_LEVEL_DEFAULT, gzipCompress, gzipDecompress } from './gzip.js';
export { isXerialFramed, snappyCompress, snappyDecompress } from './snappy.js';
export { lz4Compress, lz4Decompress } from './lz4-frame.js';
export { ZSTD_LEVEL_DEFAULT, zstdCompress, zstdDecompress } from './zstd.js';
