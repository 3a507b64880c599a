import { closeSync, fstatSync, fsyncSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { scanBatches } from '../segment/batch-scanner.js';
import { CLEANED_SUFFIX, DELETED_SUFFIX, parseLogFileName, SWAP_SUFFIX, segmentPaths } from '../segment/file-names.js';
import type { LogSegment } from '../segment/log-segment.js';

/**
 * The steps of swapping a cleaned segment in for the segments it replaces
 * (Kafka's replaceSegments). The cleaned `.log.cleaned` file was fsynced
 * before step 1; renaming it to `.log.swap` is the commit point:
 *   1. cleaned → `.swap` (indexes first, the log last), directory fsynced;
 *   2. each replaced segment's files → `.deleted`;
 *   3. `.swap` → the final names, directory fsynced;
 *   4. the `.deleted` files removed.
 * A crash before the log's `.swap` rename leaves the old segments whole and a
 * `.cleaned` file that recovery deletes; after it, recovery finishes the swap.
 */
export const SwapStep = { toSwap: 1, oldToDeleted: 2, toFinal: 3, oldRemoved: 4 } as const;

/** Runs the swap on disk; `stopAfter` (tests only) stops after that step as a crash would. */
export function swapSegmentFiles(
  dir: string,
  cleaned: LogSegment,
  replaced: readonly LogSegment[],
  stopAfter = 0,
): void {
  const base = cleaned.baseOffset;
  cleaned.flush();
  cleaned.renameFiles(segmentPaths(dir, base, SWAP_SUFFIX));
  fsyncDir(dir);
  if (stopAfter === SwapStep.toSwap) return;
  for (const old of replaced) old.renameFiles(segmentPaths(dir, old.baseOffset, DELETED_SUFFIX));
  if (stopAfter === SwapStep.oldToDeleted) return;
  cleaned.renameFiles(segmentPaths(dir, base));
  fsyncDir(dir);
  if (stopAfter === SwapStep.toFinal) return;
  for (const old of replaced) old.delete();
}

/**
 * Start-up recovery of an interrupted cleaning (Kafka's LogLoader): `.cleaned`
 * and `.deleted` files are removed; each `<base>.log.swap` replaces every
 * segment whose base offset lies in [base, the swap's next offset) and takes
 * the final name, its indexes removed so that opening rebuilds them. The
 * cleaner always keeps the last batch of a group (possibly emptied of
 * records), so that range covers every segment the swap replaced. Returns
 * the base offsets swapped in.
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
    const next = nextOffsetOf(swapped.log, base);
    for (const old of normal) if (old >= base && old < next) removeSegment(dir, old, '');
    removeSegment(dir, base, '');
    rmSync(swapped.index, { force: true });
    rmSync(swapped.timeIndex, { force: true });
    renameSync(swapped.log, segmentPaths(dir, base).log);
  }
  for (const name of readdirSync(dir)) if (name.endsWith(SWAP_SUFFIX)) rmSync(join(dir, name), { force: true });
  if (swaps.length > 0) fsyncDir(dir);
  return swaps;
}

/** The offset after the last whole, valid batch of a segment file. */
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
