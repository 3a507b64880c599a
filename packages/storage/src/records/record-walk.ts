import { Attribute, BATCH_HEADER_SIZE, BATCH_OFFSET, decodeRecordBatch } from '@fluxo/protocol';

/**
 * Finds, inside one batch, the first record whose timestamp is >= target (or
 * == target with `exact`). Only ListOffsets by timestamp and max timestamp
 * come here, never produce or fetch. Uncompressed batches are walked record
 * by record (varint headers only), compressed ones are decoded with
 * @fluxo/protocol's batch decoder; offsets below `minOffset` (the log start
 * offset) are skipped. In LogAppendTime batches every record has the batch's
 * maxTimestamp. A batch that cannot be decoded answers with its first offset.
 */
export function findRecordByTimestamp(
  batch: Buffer,
  targetMs: number,
  exact: boolean,
  minOffset: bigint,
): { offset: bigint; timestamp: number } | null {
  const baseOffset = batch.readBigInt64BE(BATCH_OFFSET.baseOffset);
  const attributes = batch.readInt16BE(BATCH_OFFSET.attributes);
  const maxTimestamp = Number(batch.readBigInt64BE(BATCH_OFFSET.maxTimestamp));
  const logAppendTime = (attributes & Attribute.timestampTypeLogAppendTime) !== 0;
  const compressed = (attributes & Attribute.compressionMask) !== 0;
  if (logAppendTime) {
    const hit = exact ? maxTimestamp === targetMs : maxTimestamp >= targetMs;
    if (!hit) return null;
    return { offset: baseOffset > minOffset ? baseOffset : minOffset, timestamp: maxTimestamp };
  }
  if (compressed) return findInCompressed(batch, targetMs, exact, minOffset, baseOffset, maxTimestamp);
  const baseTimestamp = Number(batch.readBigInt64BE(BATCH_OFFSET.baseTimestamp));
  const count = batch.readInt32BE(BATCH_OFFSET.recordCount);
  const cursor = { pos: BATCH_HEADER_SIZE };
  for (let i = 0; i < count && cursor.pos < batch.length; i++) {
    const length = readVarint(batch, cursor);
    const recordEnd = cursor.pos + length;
    cursor.pos += 1; // attributes
    const timestamp = baseTimestamp + readVarint(batch, cursor);
    const offsetDelta = readVarint(batch, cursor);
    const offset = baseOffset + BigInt(offsetDelta);
    if (offset >= minOffset && (exact ? timestamp === targetMs : timestamp >= targetMs)) return { offset, timestamp };
    cursor.pos = recordEnd;
  }
  return null;
}

function findInCompressed(
  batch: Buffer,
  targetMs: number,
  exact: boolean,
  minOffset: bigint,
  baseOffset: bigint,
  maxTimestamp: number,
): { offset: bigint; timestamp: number } | null {
  let records: { offset: bigint; timestamp: bigint }[];
  try {
    records = decodeRecordBatch(batch, 0, { verifyCrc: false }).records;
  } catch {
    const hit = exact ? maxTimestamp === targetMs : maxTimestamp >= targetMs;
    return hit ? { offset: baseOffset > minOffset ? baseOffset : minOffset, timestamp: maxTimestamp } : null;
  }
  for (const r of records) {
    const timestamp = Number(r.timestamp);
    if (r.offset >= minOffset && (exact ? timestamp === targetMs : timestamp >= targetMs))
      return { offset: r.offset, timestamp };
  }
  return null;
}

/** Zigzag varint/varlong as a JS number (exact up to 2^53, plenty for deltas). */
function readVarint(buf: Buffer, cursor: { pos: number }): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = buf[cursor.pos++];
    if (byte === undefined) throw new RangeError('varint runs past the batch');
    raw += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    scale *= 128;
  }
  throw new RangeError('varint longer than 10 bytes');
}
