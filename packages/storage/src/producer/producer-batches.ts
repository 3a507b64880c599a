import { Attribute, BATCH_LOG_OVERHEAD, BATCH_OFFSET } from '@fluxo/protocol';
import type { ProducerBatch } from './producer-state.js';

/** A producer batch of a record set and the offsets the batches before it in the set take. */
export interface PositionedProducerBatch extends ProducerBatch {
  readonly offsetsBefore: number;
}

/**
 * The batches of a validated record set that carry a producer id (idempotent
 * or transactional), read from their headers. Control batches (transaction
 * markers) are skipped: they belong to the transactions issue. Empty for the
 * common case of a plain producer.
 */
export function readProducerBatches(records: Buffer): PositionedProducerBatch[] {
  const out: PositionedProducerBatch[] = [];
  let offsetsBefore = 0;
  for (let pos = 0; pos < records.length; ) {
    const lastOffsetDelta = records.readInt32BE(pos + BATCH_OFFSET.lastOffsetDelta);
    const producerId = records.readBigInt64BE(pos + BATCH_OFFSET.producerId);
    const control = (records.readInt16BE(pos + BATCH_OFFSET.attributes) & Attribute.control) !== 0;
    if (producerId >= 0n && !control)
      out.push({
        producerId,
        producerEpoch: records.readInt16BE(pos + BATCH_OFFSET.producerEpoch),
        baseSequence: records.readInt32BE(pos + BATCH_OFFSET.baseSequence),
        lastOffsetDelta,
        maxTimestamp: Number(records.readBigInt64BE(pos + BATCH_OFFSET.maxTimestamp)),
        offsetsBefore,
      });
    offsetsBefore += lastOffsetDelta + 1;
    pos += records.readInt32BE(pos + BATCH_OFFSET.batchLength) + BATCH_LOG_OVERHEAD;
  }
  return out;
}
