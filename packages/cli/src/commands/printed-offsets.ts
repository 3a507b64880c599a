// With --group, what counts as consumed is what reached stdout: the next offset after the
// last record written, per partition, committed now and then, on revocation and at exit.
import type { Consumer, ConsumerRecord, OffsetAndMetadata, TopicPartition } from '@fluxo/client';

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class PrintedOffsets {
  private readonly pending = new Map<string, OffsetAndMetadata>();

  add(r: ConsumerRecord<Buffer, Buffer>): void {
    this.pending.set(key(r.topic, r.partition), {
      topic: r.topic,
      partition: r.partition,
      offset: r.offset + 1n,
      leaderEpoch: r.leaderEpoch,
      metadata: '',
    });
  }

  /** Commits the pending offsets (of `only` these partitions when given). */
  async commit(consumer: Consumer, only?: readonly TopicPartition[]): Promise<void> {
    const keys = [...this.pending.keys()].filter(
      (k) => only === undefined || only.some((tp) => k === key(tp.topic, tp.partition)),
    );
    if (keys.length === 0) return;
    await consumer.commitSync(keys.map((k) => this.pending.get(k)!));
    for (const k of keys) this.pending.delete(k);
  }

  forget(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.pending.delete(key(tp.topic, tp.partition));
  }
}
