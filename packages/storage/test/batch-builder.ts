import { crc32c } from '@fluxo/protocol';

/** Test helper: builds uncompressed v2 record batches byte by byte (Kafka's layout). */
export interface TestRecord {
  key?: Buffer | null;
  value: Buffer | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
  headers?: { key: string; value: Buffer | null }[];
}

export interface TestBatchOptions {
  baseTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

function varint(value: number): number[] {
  let z = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return out;
}

function bytesField(b: Buffer | null | undefined): Buffer {
  if (b === null || b === undefined) return Buffer.from(varint(-1));
  return Buffer.concat([Buffer.from(varint(b.length)), b]);
}

function encodeRecord(r: TestRecord, offsetDelta: number, baseTimestamp: number): Buffer {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(varint((r.timestamp ?? baseTimestamp) - baseTimestamp)),
    Buffer.from(varint(offsetDelta)),
    bytesField(r.key),
    bytesField(r.value),
    Buffer.from(varint(headers.length)),
    ...headers.map((h) => Buffer.concat([bytesField(Buffer.from(h.key)), bytesField(h.value)])),
  ]);
  return Buffer.concat([Buffer.from(varint(body.length)), body]);
}

export function buildBatch(records: TestRecord[], options: TestBatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? 0;
  const encoded = records.map((r, i) => encodeRecord(r, i, baseTimestamp));
  const maxTimestamp = Math.max(...records.map((r) => r.timestamp ?? baseTimestamp));
  const header = Buffer.alloc(61);
  const size = 61 + encoded.reduce((n, b) => n + b.length, 0);
  header.writeBigInt64BE(0n, 0);
  header.writeInt32BE(size - 12, 8);
  header.writeInt32BE(-1, 12);
  header.writeInt8(2, 16);
  header.writeInt16BE(options.attributes ?? 0, 21);
  header.writeInt32BE(records.length - 1, 23);
  header.writeBigInt64BE(BigInt(baseTimestamp), 27);
  header.writeBigInt64BE(BigInt(maxTimestamp), 35);
  header.writeBigInt64BE(options.producerId ?? -1n, 43);
  header.writeInt16BE(options.producerEpoch ?? -1, 51);
  header.writeInt32BE(options.baseSequence ?? -1, 53);
  header.writeInt32BE(records.length, 57);
  const batch = Buffer.concat([header, ...encoded]);
  batch.writeUInt32BE(crc32c(batch.subarray(21)), 17);
  return batch;
}

/** A batch of `count` records with `valueBytes`-byte values, all at `timestamp`. */
export function simpleBatch(count: number, timestamp: number, valueBytes = 16, fill = 0x61): Buffer {
  const value = Buffer.alloc(valueBytes, fill);
  return buildBatch(Array.from({ length: count }, () => ({ key: null, value, timestamp })));
}

/** Decodes just enough of a record set to list (offset, timestamp, value) per record (uncompressed only). */
export function decodeRecords(records: Buffer): { offset: bigint; timestamp: number; value: Buffer | null }[] {
  const out: { offset: bigint; timestamp: number; value: Buffer | null }[] = [];
  let pos = 0;
  const readVarint = (cursor: { p: number }): number => {
    let raw = 0;
    let scale = 1;
    for (;;) {
      const byte = records[cursor.p++];
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
  };
  while (pos + 12 <= records.length) {
    const size = records.readInt32BE(pos + 8) + 12;
    if (pos + size > records.length) break;
    const baseOffset = records.readBigInt64BE(pos);
    const attributes = records.readInt16BE(pos + 21);
    const baseTimestamp = Number(records.readBigInt64BE(pos + 27));
    const maxTimestamp = Number(records.readBigInt64BE(pos + 35));
    const count = records.readInt32BE(pos + 57);
    const cursor = { p: pos + 61 };
    for (let i = 0; i < count; i++) {
      const length = readVarint(cursor);
      const end = cursor.p + length;
      cursor.p += 1;
      const tsDelta = readVarint(cursor);
      const offsetDelta = readVarint(cursor);
      const keyLength = readVarint(cursor);
      if (keyLength > 0) cursor.p += keyLength;
      const valueLength = readVarint(cursor);
      const value = valueLength < 0 ? null : records.subarray(cursor.p, cursor.p + valueLength);
      const timestamp = (attributes & 0x08) !== 0 ? maxTimestamp : baseTimestamp + tsDelta;
      out.push({ offset: baseOffset + BigInt(offsetDelta), timestamp, value });
      cursor.p = end;
    }
    pos += size;
  }
  return out;
}
