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

/** Structural equality for generated values (numbers, bigints, strings, Buffers, arrays, plain objects). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (const k of ka)
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

export const EMPTY_BUFFER: Buffer = Buffer.alloc(0);
