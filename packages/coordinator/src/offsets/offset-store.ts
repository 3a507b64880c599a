/**
 * Committed offsets of every group this coordinator owns, rebuilt by replaying
 * `__consumer_offsets` and kept current by each commit. Expiry follows Kafka:
 * offsets of a group with no members expire `offsets.retention.minutes` after
 * the group became empty (or after their commit, whichever is later).
 */
import type { CommittedOffset, ConsumerOffsetsRecord } from './consumer-offsets-records.js';

export interface OffsetKey {
  topic: string;
  partition: number;
}

export class OffsetStore {
  /** group → "topic\u0000partition" → committed offset. */
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>();

  private static slot(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  commit(group: string, topic: string, partition: number, value: CommittedOffset): void {
    let byPartition = this.offsets.get(group);
    if (byPartition === undefined) this.offsets.set(group, (byPartition = new Map()));
    byPartition.set(OffsetStore.slot(topic, partition), value);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.offsets.get(group)?.get(OffsetStore.slot(topic, partition));
  }

  /** Every committed offset of a group, sorted by topic then partition. */
  all(group: string): (OffsetKey & CommittedOffset)[] {
    const out: (OffsetKey & CommittedOffset)[] = [];
    for (const [slot, value] of this.offsets.get(group) ?? []) {
      const cut = slot.indexOf('\u0000');
      out.push({ topic: slot.slice(0, cut), partition: Number(slot.slice(cut + 1)), ...value });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  delete(group: string, topic: string, partition: number): boolean {
    const byPartition = this.offsets.get(group);
    const removed = byPartition?.delete(OffsetStore.slot(topic, partition)) ?? false;
    if (byPartition?.size === 0) this.offsets.delete(group);
    return removed;
  }

  deleteGroup(group: string): OffsetKey[] {
    const removed = this.all(group).map(({ topic, partition }) => ({ topic, partition }));
    this.offsets.delete(group);
    return removed;
  }

  groups(): string[] {
    return [...this.offsets.keys()];
  }

  /** Applies a replayed `__consumer_offsets` record (tombstones delete). */
  apply(record: ConsumerOffsetsRecord): void {
    if (record.kind !== 'offset') return;
    if (record.value === null) this.delete(record.group, record.topic, record.partition);
    else this.commit(record.group, record.topic, record.partition, record.value);
  }

  /**
   * Offsets to expire now: for each group that `isEmptySince` says has had no
   * members since a time:
   * expire when max(emptySince, commitTimestamp) + retention <= now.
   */
  expired(
    nowMs: bigint,
    retentionMs: bigint,
    isEmptySince: (group: string) => bigint | undefined,
  ): (OffsetKey & { group: string })[] {
    const out: (OffsetKey & { group: string })[] = [];
    for (const group of this.groups()) {
      const emptySince = isEmptySince(group);
      if (emptySince === undefined) continue;
      for (const o of this.all(group)) {
        // biome-ignore lint/complexity/useMathMinMax: bigints, which Math.max does not take
        const base = o.commitTimestampMs > emptySince ? o.commitTimestampMs : emptySince;
        if (base + retentionMs <= nowMs) out.push({ group, topic: o.topic, partition: o.partition });
      }
    }
    return out;
  }
}
