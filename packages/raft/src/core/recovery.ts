import type { Entry, SnapshotId } from './types.js';

/**
 * Which on-disk log entries survive a restart next to the latest snapshot: those after
 * the snapshot's end, provided the log agrees with the snapshot at its last offset.
 * Entries a crash left below the snapshot are covered by it and dropped.
 */
export function entriesAfterSnapshot(snapshot: SnapshotId, logStartOffset: number, entries: readonly Entry[]): Entry[] {
  const logEnd = logStartOffset + entries.length;
  if (logEnd <= snapshot.endOffset || logStartOffset > snapshot.endOffset) return [];
  const lastCovered = snapshot.endOffset - 1;
  if (lastCovered >= logStartOffset && entries[lastCovered - logStartOffset].epoch !== snapshot.epoch) return [];
  const kept = entries.slice(snapshot.endOffset - logStartOffset);
  // Epochs never go below the snapshot's, nor backwards (a torn rewrite would).
  let last = snapshot.epoch;
  for (let i = 0; i < kept.length; i++) {
    if (kept[i].epoch < last) return kept.slice(0, i);
    last = kept[i].epoch;
  }
  return kept;
}
