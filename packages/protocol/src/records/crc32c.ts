import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C (Castagnoli), as Kafka's v2 record batches use. The native
 * implementation (@node-rs/crc32, SSE4.2/ARMv8 instructions) runs at memory
 * speed on large inputs; see bench/RESULTS.md for the measurement.
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  return nativeCrc32c(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length), initial) >>> 0;
}
