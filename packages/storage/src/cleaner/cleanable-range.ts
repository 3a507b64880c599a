import type { PartitionLog } from '../log/partition-log.js';
import type { LogSegment } from '../segment/log-segment.js';

/** A compacted log's clean and dirty sections (Kafka's LogToClean). */
export interface CleanableRange {
  readonly log: PartitionLog;
  /** First offset not yet cleaned (the cleaner checkpoint, within the log). */
  readonly firstDirty: bigint;
  /** The dirty section ends here: the active segment, or the first segment younger than min.compaction.lag.ms. */
  readonly firstUncleanable: bigint;
  readonly cleanBytes: number;
  readonly dirtyBytes: number;
  /** dirty / (clean + dirty): compared with min.cleanable.dirty.ratio. */
  readonly ratio: number;
  /** max.compaction.lag.ms was passed by a dirty record: clean whatever the ratio. */
  readonly needCompactionNow: boolean;
}

/** Offset after a segment's range: the next segment's base (the log end for the active one). */
function endOf(segments: readonly LogSegment[], i: number, logEnd: bigint): bigint {
  return segments[i + 1]?.baseOffset ?? logEnd;
}

/**
 * Kafka's LogCleanerManager.cleanableOffsets and LogToClean: the first dirty
 * offset is the checkpoint (reset to the log start when outside the log);
 * the first uncleanable offset is the active segment's base, or earlier the
 * base of the first dirty segment holding a record newer than
 * min.compaction.lag.ms. Sizes count whole segments overlapping each section.
 */
export function cleanableRange(log: PartitionLog, nowMs: number): CleanableRange {
  const segments = log.segmentList;
  const logEnd = log.logEndOffset;
  const checkpoint = log.cleanerCheckpoint;
  const firstDirty = checkpoint < log.logStartOffset || checkpoint > logEnd ? log.logStartOffset : checkpoint;
  const active = segments[segments.length - 1];
  const { minCompactionLagMs, maxCompactionLagMs } = log.config;
  let firstUncleanable = active.baseOffset;
  let earliestDirtyMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i];
    if (endOf(segments, i, logEnd) <= firstDirty || s.baseOffset >= firstUncleanable) continue;
    if (minCompactionLagMs > 0 && s.largestTimestampMs > nowMs - minCompactionLagMs) firstUncleanable = s.baseOffset;
    else if (s.rollingBaseMs > 0 && s.rollingBaseMs < earliestDirtyMs) earliestDirtyMs = s.rollingBaseMs;
  }
  if (firstUncleanable < firstDirty) firstUncleanable = firstDirty;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  for (let i = 0; i < segments.length - 1; i++) {
    const s = segments[i];
    if (s.baseOffset < firstDirty) cleanBytes += s.size;
    if (s.baseOffset < firstUncleanable && endOf(segments, i, logEnd) > firstDirty) dirtyBytes += s.size;
  }
  const total = cleanBytes + dirtyBytes;
  return {
    log,
    firstDirty,
    firstUncleanable,
    cleanBytes,
    dirtyBytes,
    ratio: total === 0 ? 0 : dirtyBytes / total,
    needCompactionNow: dirtyBytes > 0 && earliestDirtyMs < nowMs - maxCompactionLagMs,
  };
}

/** Kafka's rule for picking a log: dirty enough, or overdue by max.compaction.lag.ms, with something to clean. */
export function worthCleaning(range: CleanableRange): boolean {
  if (range.dirtyBytes <= 0) return false;
  return range.needCompactionNow || range.ratio > range.log.config.minCleanableDirtyRatio;
}
