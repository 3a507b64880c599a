import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { scanBatches } from '../segment/batch-scanner.js';
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  offsetFileStem,
  parseLogFileName,
  SWAP_SUFFIX,
  segmentPaths,
} from '../segment/file-names.js';
import type { LogSegment } from '../segment/log-segment.js';

/**
 * The steps of swapping a cleaned segment in for the segments it replaces
 * (Kafka's replaceSegments). The cleaned `.log.cleaned` file was fsynced
 * before step 1; renaming it to `.log.swap` is the commit point:
 *   1. `<base>.swapend` written and fsynced: the offset where the replaced
 *      segments end (the next segment's base), which recovery needs because a
 *      cleaned segment may end well before that; then the cleaned files →
 *      `.swap` (indexes first, the log last), directory fsynced;
 *   2. each replaced segment's files → `.deleted`;
 *   3. `.swap` → the final names, directory fsynced, `.swapend` removed;
 *   4. the `.deleted` files removed.
 * A crash before the log's `.swap` rename leaves the old segments whole and a
 * `.cleaned` file that recovery deletes; after it, recovery finishes the swap.
 */
export const SwapStep = { toSwap: 1, oldToDeleted: 2, toFinal: 3, oldRemoved: 4 } as const;

const SWAP_END_SUFFIX = '.swapend';

function swapEndPath(dir: string, base: bigint): string {
  return join(dir, offsetFileStem(base) + SWAP_END_SUFFIX);
}

/**
 * Runs the swap on disk; `endOffset` is the base of the segment after the
 * replaced ones. `stopAfter` (tests only) stops after that step as a crash would.
 */
export function swapSegmentFiles(
  dir: string,
  cleaned: LogSegment,
  replaced: readonly LogSegment[],
  endOffset: bigint,
  stopAfter = 0,
): void {
  const base = cleaned.baseOffset;
  cleaned.flush();
  if (readSwapEnd(dir, base) !== endOffset) {
    writeSynced(swapEndPath(dir, base), `${endOffset}\n`);
    fsyncDir(dir);
  }
  cleaned.renameFiles(segmentPaths(dir, base, SWAP_SUFFIX));
  fsyncDir(dir);
  if (stopAfter === SwapStep.toSwap) return;
  for (const old of replaced) old.renameFiles(segmentPaths(dir, old.baseOffset, DELETED_SUFFIX));
  if (stopAfter === SwapStep.oldToDeleted) return;
  cleaned.renameFiles(segmentPaths(dir, base));
  fsyncDir(dir);
  rmSync(swapEndPath(dir, base), { force: true });
  if (stopAfter === SwapStep.toFinal) return;
  for (const old of replaced) old.deleteInBackground();
}

/** Step 1's first half ahead of time, off the event loop: the `.swapend` written and fsynced, with its directory. */
export async function prepareSwapEnd(dir: string, base: bigint, endOffset: bigint): Promise<void> {
  const file = await open(swapEndPath(dir, base), 'w');
  try {
    await file.writeFile(`${endOffset}\n`);
    await file.sync();
  } finally {
    await file.close();
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/**
 * Start-up recovery of an interrupted cleaning (Kafka's LogLoader): `.cleaned`
 * and `.deleted` files are removed; each `<base>.log.swap` replaces every
 * segment whose base offset lies in [base, its `.swapend` offset) and takes
 * the final name, its indexes removed so that opening rebuilds them. Without
 * a `.swapend` the range ends at the swap's own next offset (Kafka's rule):
 * a replaced segment above it holds none of the swap's offsets, so keeping
 * it uncleaned is still consistent. Returns the base offsets swapped in.
 */
export function recoverCleanerFiles(dir: string): bigint[] {
  const names = readdirSync(dir);
  for (const name of names)
    if (name.endsWith(CLEANED_SUFFIX) || name.endsWith(DELETED_SUFFIX)) rmSync(join(dir, name), { force: true });
  const swaps = names
    .map((n) => /^(\d{20})\.log\.swap$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => BigInt(m[1]))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const normal = names.map(parseLogFileName).filter((b): b is bigint => b !== undefined);
  for (const base of swaps) {
    const swapped = segmentPaths(dir, base, SWAP_SUFFIX);
    const end = readSwapEnd(dir, base) ?? nextOffsetOf(swapped.log, base);
    for (const old of normal) if (old >= base && old < end) removeSegment(dir, old, '');
    removeSegment(dir, base, '');
    rmSync(swapped.index, { force: true });
    rmSync(swapped.timeIndex, { force: true });
    renameSync(swapped.log, segmentPaths(dir, base).log);
  }
  for (const name of readdirSync(dir))
    if (name.endsWith(SWAP_SUFFIX) || name.endsWith(SWAP_END_SUFFIX)) rmSync(join(dir, name), { force: true });
  if (swaps.length > 0) fsyncDir(dir);
  return swaps;
}

function readSwapEnd(dir: string, base: bigint): bigint | undefined {
  try {
    const text = readFileSync(swapEndPath(dir, base), 'utf8').trim();
    return /^\d+$/.test(text) ? BigInt(text) : undefined;
  } catch {
    return undefined;
  }
}

function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    const bytes = Buffer.from(text);
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Fallback without a `.swapend`: the offset after the swap file's last whole, valid batch. */
function nextOffsetOf(path: string, base: bigint): bigint {
  const fd = openSync(path, 'r');
  try {
    let next = base;
    scanBatches(fd, 0, fstatSync(fd).size, true, (b) => {
      next = b.lastOffset + 1n;
      return false;
    });
    return next;
  } finally {
    closeSync(fd);
  }
}

function removeSegment(dir: string, base: bigint, suffix: string): void {
  const paths = segmentPaths(dir, base, suffix);
  for (const path of [paths.log, paths.index, paths.timeIndex]) rmSync(path, { force: true });
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
