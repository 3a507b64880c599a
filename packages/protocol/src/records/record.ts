/**
 * One record inside a v2 batch, and its varint encoding:
 *   length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *   keyLength varint | key | valueLength varint | value | headerCount varint |
 *   [headerKeyLength varint | headerKey utf8 | headerValueLength varint | headerValue]
 * A length of -1 means null (key, value, header value).
 *
 * Timestamps and offsets are bigint, as Kafka's int64 fields are everywhere in
 * @fluxo/protocol (the batch header, the generated codecs); the deltas inside a
 * batch are plain numbers.
 */
export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A decoded record. key/value/header values are views into the batch bytes (or the decompressed payload). */
export interface DecodedRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  /** baseOffset + offsetDelta */
  offset: bigint;
  /** baseTimestamp + timestampDelta (for LogAppendTime batches, the batch's maxTimestamp is the true time) */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** What a producer supplies for one record. */
export interface RecordInit {
  key?: Uint8Array | null;
  value: Uint8Array | null;
  headers?: readonly { key: string; value: Uint8Array | null }[];
  /** Defaults to the batch's baseTimestamp. */
  timestamp?: bigint;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

/** Smallest possible encoded record: 7 one-byte fields. Used to bound record counts before allocating. */
export const RECORD_BYTES_MIN = 7;

export function varintSize(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

export function varlongSize(v: number): number {
  let u = v >= 0 ? v * 2 : -v * 2 - 1;
  let n = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    n++;
  }
  return n;
}
