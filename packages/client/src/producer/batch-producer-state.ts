import { BATCH_OFFSET, crc32c } from '@fluxo/protocol';

export interface HeaderProducerState {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

/** True when an encoded batch's header already carries this producer id, epoch and base sequence. */
export function carriesProducerState(encoded: Buffer, state: HeaderProducerState): boolean {
  return (
    encoded.readBigInt64BE(BATCH_OFFSET.producerId) === state.producerId &&
    encoded.readInt16BE(BATCH_OFFSET.producerEpoch) === state.producerEpoch &&
    encoded.readInt32BE(BATCH_OFFSET.baseSequence) === state.baseSequence
  );
}

/**
 * A copy of an encoded v2 batch with new producer id, epoch and base sequence,
 * re-signed (the CRC32C covers them). The records, compressed or not, are
 * untouched. A copy, not an in-place edit: an earlier request may still hold
 * the old bytes in a socket's write queue.
 */
export function withProducerState(encoded: Buffer, state: HeaderProducerState): Buffer {
  const out = Buffer.from(encoded);
  out.writeBigInt64BE(state.producerId, BATCH_OFFSET.producerId);
  out.writeInt16BE(state.producerEpoch, BATCH_OFFSET.producerEpoch);
  out.writeInt32BE(state.baseSequence, BATCH_OFFSET.baseSequence);
  out.writeUInt32BE(crc32c(out.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  return out;
}
