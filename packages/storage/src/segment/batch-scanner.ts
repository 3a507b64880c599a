import { readSync } from 'node:fs';
import { BATCH_HEADER_SIZE, BATCH_LOG_OVERHEAD, BATCH_OFFSET, CURRENT_MAGIC, crc32c } from '@fluxo/protocol';

/** What a scan learns about one batch from its header. */
export interface ScannedBatch {
  position: number;
  size: number;
  baseOffset: bigint;
  lastOffset: bigint;
  maxTimestamp: number;
  /** Producer fields, for rebuilding the idempotent-producer state. */
  attributes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

export interface ScanOutcome {
  /** File position after the last whole, valid batch seen (or the batch the visitor stopped at). */
  end: number;
  /** Why the scan stopped early at `end`, or null when it reached the end (or the visitor stopped it). */
  problem: string | null;
}

const CHUNK_BYTES = 1 << 20;
/** Header-only walks (finding a fetch position) read little: usually the first header is the one wanted. */
const HEADER_CHUNK_BYTES = 8 << 10;
let scratch: Buffer | undefined;

/**
 * Walks the batches of a segment file between `start` and `end`, reading 1 MiB
 * at a time when validating and 8 KiB otherwise. With `validate`, each batch's framing, magic and CRC32C are
 * checked (recovery); otherwise only the framing. `visit` returns true to stop.
 */
export function scanBatches(
  fd: number,
  start: number,
  end: number,
  validate: boolean,
  visit: (batch: ScannedBatch) => boolean,
): ScanOutcome {
  scratch ??= Buffer.allocUnsafe(CHUNK_BYTES);
  let buf = scratch;
  let bufStart = 0;
  let bufLength = 0;
  const fill = (from: number, bytes: number): boolean => {
    if (bytes > buf.length) buf = Buffer.allocUnsafe(bytes);
    else if (buf !== scratch && bytes <= CHUNK_BYTES) buf = scratch!;
    const chunk = validate ? buf.length : HEADER_CHUNK_BYTES;
    const want = Math.max(bytes, Math.min(chunk, end - from));
    bufStart = from;
    bufLength = readFully(fd, buf, want, from);
    return bufLength >= bytes;
  };
  let pos = start;
  while (pos < end) {
    if (end - pos < BATCH_HEADER_SIZE) return { end: pos, problem: `${end - pos} trailing bytes, less than a header` };
    if (pos < bufStart || pos + BATCH_HEADER_SIZE > bufStart + bufLength) {
      if (!fill(pos, BATCH_HEADER_SIZE)) return { end: pos, problem: 'header could not be read' };
    }
    const at = pos - bufStart;
    const batchLength = buf.readInt32BE(at + BATCH_OFFSET.batchLength);
    const size = batchLength + BATCH_LOG_OVERHEAD;
    if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || pos + size > end)
      return { end: pos, problem: `batch length ${batchLength} at ${pos} runs past the end ${end}` };
    if (buf.readInt8(at + BATCH_OFFSET.magic) !== CURRENT_MAGIC) return { end: pos, problem: `bad magic at ${pos}` };
    const baseOffset = buf.readBigInt64BE(at + BATCH_OFFSET.baseOffset);
    const lastOffsetDelta = buf.readInt32BE(at + BATCH_OFFSET.lastOffsetDelta);
    const batch: ScannedBatch = {
      position: pos,
      size,
      baseOffset,
      lastOffset: baseOffset + BigInt(lastOffsetDelta),
      maxTimestamp: Number(buf.readBigInt64BE(at + BATCH_OFFSET.maxTimestamp)),
      attributes: buf.readInt16BE(at + BATCH_OFFSET.attributes),
      producerId: buf.readBigInt64BE(at + BATCH_OFFSET.producerId),
      producerEpoch: buf.readInt16BE(at + BATCH_OFFSET.producerEpoch),
      baseSequence: buf.readInt32BE(at + BATCH_OFFSET.baseSequence),
      lastOffsetDelta,
    };
    if (validate) {
      if (pos + size > bufStart + bufLength && !fill(pos, size))
        return { end: pos, problem: `batch at ${pos} could not be read whole` };
      const from = pos - bufStart;
      const stored = buf.readUInt32BE(from + BATCH_OFFSET.crc);
      if (crc32c(buf.subarray(from + BATCH_OFFSET.attributes, from + size)) !== stored)
        return { end: pos, problem: `CRC32C mismatch in batch at ${pos}` };
    }
    if (visit(batch)) return { end: pos, problem: null };
    pos += size;
  }
  return { end: pos, problem: null };
}

/** readSync until `length` bytes or end of file; returns the bytes read. */
export function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
