import { decodeRecordBatch, encodeRecordBatch, LeaderChangeMessage, Writer } from '@fluxo/protocol';
import type { Entry } from '../core/index.js';

/** A batch closes once its entries hold this many bytes (Kafka's KRaft caps batches at 8 MiB). */
const BATCH_DATA_BYTES_TARGET = 1024 * 1024;
/** Kafka's ControlRecordType.LEADER_CHANGE, in the control record key (int16 version 0, int16 type). */
const LEADER_CHANGE_TYPE = 2;
const LEADER_CHANGE_KEY = Buffer.from([0, 0, 0, LEADER_CHANGE_TYPE]);

/**
 * Raft entries as Kafka v2 RecordBatches, as KRaft stores them: one batch per run of
 * entries with the same epoch (its partitionLeaderEpoch) and kind. A control entry is a
 * control batch of one LEADER_CHANGE record whose value is a LeaderChangeMessage; the
 * core's control entries carry no bytes of their own.
 */
export function encodeEntryBatches(
  baseOffset: number,
  entries: readonly Entry[],
  nowMs: number,
  leaderOf: (epoch: number) => number,
): Buffer {
  const batches: Buffer[] = [];
  let i = 0;
  while (i < entries.length) {
    const first = entries[i];
    const start = i;
    if (first.control) {
      if (first.data.length !== 0) throw new Error('a control entry carries no data');
      batches.push(leaderChangeBatch(baseOffset + i, first.epoch, leaderOf(first.epoch), nowMs));
      i++;
      continue;
    }
    let bytes = 0;
    while (i < entries.length && !entries[i].control && entries[i].epoch === first.epoch) {
      bytes += entries[i].data.length;
      i++;
      if (bytes >= BATCH_DATA_BYTES_TARGET) break;
    }
    batches.push(
      encodeRecordBatch({
        baseOffset: BigInt(baseOffset + start),
        partitionLeaderEpoch: first.epoch,
        baseTimestamp: BigInt(nowMs),
        records: entries.slice(start, i).map((e) => ({ value: e.data })),
      }),
    );
  }
  return Buffer.concat(batches);
}

function leaderChangeBatch(offset: number, epoch: number, leaderId: number, nowMs: number): Buffer {
  const w = new Writer();
  LeaderChangeMessage.encode(w, LeaderChangeMessage.create({ version: 0, leaderId }), 0);
  return encodeRecordBatch({
    baseOffset: BigInt(offset),
    partitionLeaderEpoch: epoch,
    isControl: true,
    baseTimestamp: BigInt(nowMs),
    records: [{ key: LEADER_CHANGE_KEY, value: w.toBuffer() }],
  });
}

/** The entries of whole batches as read from the log; those below `fromOffset` are skipped. */
export function decodeEntryBatches(records: Buffer, fromOffset: number, into: Entry[]): number {
  let next = fromOffset;
  for (let at = 0; at < records.length; ) {
    const batch = decodeRecordBatch(records, at);
    for (const r of batch.records) {
      if (Number(r.offset) < fromOffset) continue;
      if (Number(r.offset) !== next) throw new Error(`log offset ${r.offset} where ${next} was expected`);
      const data = batch.isControl ? Buffer.alloc(0) : Buffer.from(r.value ?? Buffer.alloc(0)); // a copy: records may be a view of a frame
      into.push({ epoch: batch.partitionLeaderEpoch, control: batch.isControl, data });
      next++;
    }
    at += batch.sizeBytes;
  }
  return next;
}
