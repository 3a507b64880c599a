import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { crc32cJs } from './crc32c-js.js';

/**
 * CRC32C (Castagnoli), as Kafka's v2 record batches use. Below
 * CRC32C_NATIVE_THRESHOLD_BYTES the pure-JS table version is faster (the
 * native call costs more than the work); above it @node-rs/crc32's hardware
 * CRC runs several times faster. Measured in bench/RESULTS.md.
 */
export const CRC32C_NATIVE_THRESHOLD_BYTES = 768;

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}

export function crc32c(data: Uint8Array, initial = 0): number {
  if (data.length < CRC32C_NATIVE_THRESHOLD_BYTES) return crc32cJs(data, initial);
  return nativeCrc32c(asBuffer(data), initial) >>> 0;
}

/** Always the native binding (for benchmarks and cross-checks). */
export function crc32cNative(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(asBuffer(data), initial) >>> 0;
}

export { crc32cJs };
