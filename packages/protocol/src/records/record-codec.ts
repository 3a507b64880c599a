import { Reader } from '../primitives/reader.js';
import type { Writer } from '../primitives/writer.js';
import { ProtocolEncodeError } from '../primitives/protocol-error.js';
import { type DecodedRecord, type RecordHeader, type RecordInit, varintSize, varlongSize } from './record.js';
import { RecordBatchError } from './record-batch-error.js';

/** Refuses header counts that could not fit, before allocating the array (each header takes >= 2 bytes). */
const HEADER_BYTES_MIN = 2;

function nullableSize(v: Uint8Array | null | undefined): number {
  return v == null ? 1 : varintSize(v.length) + v.length;
}

function writeNullable(w: Writer, v: Uint8Array | null | undefined): void {
  if (v == null) {
    w.writeVarint(-1);
    return;
  }
  w.writeVarint(v.length);
  w.writeRaw(v);
}

/** Appends one record; `timestampDelta` and `offsetDelta` are already relative to the batch. */
export function writeRecord(w: Writer, record: RecordInit, offsetDelta: number, timestampDelta: number): void {
  if (!Number.isSafeInteger(timestampDelta)) {
    throw new ProtocolEncodeError(`record timestamp delta ${timestampDelta} is outside the safe integer range`);
  }
  const headers = record.headers ?? [];
  const headerKeyBytes = headers.map((h) => Buffer.from(h.key, 'utf8'));
  let size =
    1 +
    varlongSize(timestampDelta) +
    varintSize(offsetDelta) +
    nullableSize(record.key) +
    nullableSize(record.value) +
    varintSize(headers.length);
  for (let i = 0; i < headers.length; i++) {
    size += varintSize(headerKeyBytes[i]!.length) + headerKeyBytes[i]!.length + nullableSize(headers[i]!.value);
  }
  w.writeVarint(size);
  w.writeInt8(0); // record attributes: unused by Kafka, always 0
  w.writeVarlong(timestampDelta);
  w.writeVarint(offsetDelta);
  writeNullable(w, record.key);
  writeNullable(w, record.value);
  w.writeVarint(headers.length);
  for (let i = 0; i < headers.length; i++) {
    writeNullable(w, headerKeyBytes[i]!);
    writeNullable(w, headers[i]!.value);
  }
}

function readNullable(r: Reader, what: string): Buffer | null {
  const len = r.readVarint();
  if (len < 0) {
    if (len !== -1) throw new RecordBatchError('invalid-record', `${what} has invalid length ${len}`);
    return null;
  }
  return r.readRaw(len);
}

/** Reads one record; every failure is a RecordBatchError('invalid-record'). */
export function readRecord(outer: Reader, baseOffset: bigint, baseTimestamp: bigint): DecodedRecord {
  try {
    const size = outer.readVarint();
    if (size < 0 || size > outer.remaining) {
      throw new RecordBatchError('invalid-record', `record length ${size} exceeds the ${outer.remaining} bytes left`);
    }
    // Reads stay inside the record's declared length.
    const end = outer.offset + size;
    const r = new Reader(outer.buf, outer.offset, end);
    outer.offset = end;
    const attributes = r.readInt8();
    const timestampDelta = r.readVarlong();
    const offsetDelta = r.readVarint();
    const key = readNullable(r, 'record key');
    const value = readNullable(r, 'record value');
    const headerCount = r.readVarint();
    if (headerCount < 0 || headerCount * HEADER_BYTES_MIN > r.remaining) {
      throw new RecordBatchError('invalid-record', `record header count ${headerCount} is invalid`);
    }
    const headers: RecordHeader[] = new Array(headerCount);
    for (let i = 0; i < headerCount; i++) {
      const keyBytes = readNullable(r, 'header key');
      if (keyBytes === null) throw new RecordBatchError('invalid-record', 'record header key is null');
      headers[i] = { key: keyBytes.toString('utf8'), value: readNullable(r, 'header value') };
    }
    if (r.offset !== end) {
      throw new RecordBatchError('invalid-record', `record has ${end - r.offset} bytes after its last header`);
    }
    return {
      attributes,
      timestampDelta,
      offsetDelta,
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: baseTimestamp + BigInt(timestampDelta),
      key,
      value,
      headers,
    };
  } catch (e) {
    if (e instanceof RecordBatchError) throw e;
    throw new RecordBatchError('invalid-record', `malformed record: ${(e as Error).message}`, { cause: e });
  }
}
