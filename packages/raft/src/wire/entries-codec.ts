import { assert } from '@fluxo/core';
import type { Entry } from '../core/index.js';

/** Per entry: int32 epoch, int8 flags (bit 0: control), int32 length, then the bytes. */
export const ENTRY_HEADER_BYTES = 9;
/** Largest entry we accept from the wire or the disk (Kafka's message.max.bytes default, rounded). */
export const ENTRY_BYTES_MAX = 1024 * 1024;

/**
 * Fluxo's own framing of Raft entries, used in the Fetch response's records field and
 * in the log segment. Not Kafka's RecordBatch v2 yet (see DESIGN.md).
 */
export function encodeEntries(entries: readonly Entry[]): Buffer {
  let size = 0;
  for (const e of entries) size += ENTRY_HEADER_BYTES + e.data.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of entries) {
    out.writeInt32BE(e.epoch, at);
    out.writeInt8(e.control ? 1 : 0, at + 4);
    out.writeInt32BE(e.data.length, at + 5);
    out.set(e.data, at + ENTRY_HEADER_BYTES);
    at += ENTRY_HEADER_BYTES + e.data.length;
  }
  return out;
}

export function decodeEntries(buf: Buffer): Entry[] {
  const out: Entry[] = [];
  let at = 0;
  while (at < buf.length) {
    assert(buf.length - at >= ENTRY_HEADER_BYTES, 'truncated entry header');
    const epoch = buf.readInt32BE(at);
    const flags = buf.readInt8(at + 4);
    const length = buf.readInt32BE(at + 5);
    assert(
      length >= 0 && length <= ENTRY_BYTES_MAX && length <= buf.length - at - ENTRY_HEADER_BYTES,
      'bad entry length',
    );
    const data = buf.subarray(at + ENTRY_HEADER_BYTES, at + ENTRY_HEADER_BYTES + length);
    out.push({ epoch, control: (flags & 1) === 1, data });
    at += ENTRY_HEADER_BYTES + length;
  }
  return out;
}
