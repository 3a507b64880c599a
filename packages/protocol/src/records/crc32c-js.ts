/**
 * Pure-JS CRC32C (Castagnoli, reflected polynomial 0x82F63B78), slicing-by-16:
 * 16 lookup tables let the loop consume 16 bytes per iteration. On small inputs
 * it beats the native binding, whose N-API call overhead dominates there.
 */
const POLY = 0x82f63b78;
const SLICES = 16;

const TABLE = (() => {
  const t = new Int32Array(256 * SLICES);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let s = 1; s < SLICES; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
})();

/** CRC32C of data[start, end), continuing from `initial` (a previous result). */
export function crc32cJs(data: Uint8Array, initial = 0, start = 0, end = data.length): number {
  const t = TABLE;
  let crc = ~initial;
  let i = start;
  const fastEnd = end - SLICES;
  while (i <= fastEnd) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      t[15 * 256 + (a & 0xff)]! ^
      t[14 * 256 + ((a >>> 8) & 0xff)]! ^
      t[13 * 256 + ((a >>> 16) & 0xff)]! ^
      t[12 * 256 + (a >>> 24)]! ^
      t[11 * 256 + data[i + 4]!]! ^
      t[10 * 256 + data[i + 5]!]! ^
      t[9 * 256 + data[i + 6]!]! ^
      t[8 * 256 + data[i + 7]!]! ^
      t[7 * 256 + data[i + 8]!]! ^
      t[6 * 256 + data[i + 9]!]! ^
      t[5 * 256 + data[i + 10]!]! ^
      t[4 * 256 + data[i + 11]!]! ^
      t[3 * 256 + data[i + 12]!]! ^
      t[2 * 256 + data[i + 13]!]! ^
      t[256 + data[i + 14]!]! ^
      t[data[i + 15]!]!;
    i += SLICES;
  }
  while (i < end) crc = t[(crc ^ data[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
