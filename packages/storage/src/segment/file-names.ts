import { join } from 'node:path';

/** Kafka names segment files by their base offset, zero-padded to 20 digits. */
export function offsetFileStem(baseOffset: bigint): string {
  return baseOffset.toString().padStart(20, '0');
}

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';

/** Kafka's suffixes for the cleaner's files: a segment being written, one being swapped in, one being removed. */
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const DELETED_SUFFIX = '.deleted';

export interface SegmentPaths {
  readonly log: string;
  readonly index: string;
  readonly timeIndex: string;
}

/** The segment's three files, with `suffix` appended (Kafka's `.cleaned`, `.swap`, `.deleted`). */
export function segmentPaths(dir: string, baseOffset: bigint, suffix = ''): SegmentPaths {
  const stem = join(dir, offsetFileStem(baseOffset));
  return {
    log: stem + LOG_SUFFIX + suffix,
    index: stem + INDEX_SUFFIX + suffix,
    timeIndex: stem + TIME_INDEX_SUFFIX + suffix,
  };
}

/** The base offset of a `<20 digits>.log` file name, or undefined for other files. */
export function parseLogFileName(name: string): bigint | undefined {
  const match = /^(\d{20})\.log$/.exec(name);
  return match === null ? undefined : BigInt(match[1]);
}

/** `<topic>-<partition>`; topic names may themselves contain '-', so split at the last one. */
export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

export function parsePartitionDirName(name: string): { topic: string; partition: number } | undefined {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const partText = name.slice(dash + 1);
  if (!/^\d+$/.test(partText)) return undefined;
  return { topic: name.slice(0, dash), partition: Number(partText) };
}
