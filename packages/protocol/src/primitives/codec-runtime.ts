/** Helpers the generated codecs share; hand-written, small, and hot-path aware. */
import { Writer } from './writer.js';
import type { RawTaggedField } from './reader.js';

/** A known tagged field ready to be written: its tag and how to write its value. */
export interface TaggedFieldOut {
  tag: number;
  write: (w: Writer) => void;
}

/** Writes a tagged-field section: known and unknown fields merged in ascending tag order. */
export function writeTaggedFields(
  w: Writer,
  known: TaggedFieldOut[] | undefined,
  unknown: RawTaggedField[] | undefined,
): void {
  if (known === undefined && unknown === undefined) {
    w.writeUVarint(0);
    return;
  }
  const entries: { tag: number; data: Buffer }[] = [];
  for (const field of known ?? []) {
    const sub = new Writer(64);
    field.write(sub);
    entries.push({ tag: field.tag, data: sub.toBuffer() });
  }
  for (const field of unknown ?? []) entries.push(field);
  entries.sort((a, b) => a.tag - b.tag);
  w.writeUVarint(entries.length);
  for (const entry of entries) {
    w.writeUVarint(entry.tag);
    w.writeUVarint(entry.data.length);
    w.writeRaw(entry.data);
  }
}

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);
