import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionError } from './compression-error.js';

/** Kafka's default gzip level (compression.gzip.level). */
export const GZIP_LEVEL_DEFAULT = 6;

export function gzipCompress(data: Uint8Array, level = GZIP_LEVEL_DEFAULT): Buffer {
  return gzipSync(data, { level });
}

/** zlib enforces the output limit while inflating, so a bomb stops at `limitBytes`. */
export function gzipDecompress(data: Uint8Array, limitBytes: number): Buffer {
  try {
    return gunzipSync(data, { maxOutputLength: Math.max(1, limitBytes) });
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CompressionError('too-large', `gzip payload decompresses to more than ${limitBytes} bytes (limit)`);
    }
    throw new CompressionError('corrupt', `gzip payload is corrupt: ${(e as Error).message}`, { cause: e });
  }
}
