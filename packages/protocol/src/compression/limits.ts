/**
 * Default cap on the bytes one batch payload may decompress into. Kafka's own
 * message.max.bytes default is ~1 MiB compressed; 64 MiB leaves room for highly
 * compressible data while refusing decompression bombs. Callers pass their own
 * `maxDecompressedBytes` to change it.
 */
export const DECOMPRESSED_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;
