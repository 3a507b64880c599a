import { decodeRecordBatch, RecordBatchIterator } from '@fluxo/protocol';

export interface DecodedRecord {
  offset: bigint;
  timestamp: bigint;
  timestampType: number;
  leaderEpoch: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface AbortedRange {
  producerId: bigint;
  firstOffset: bigint;
}

/**
 * The records at or after `fromOffset` in a Fetch response's record bytes.
 * A truncated last batch is dropped (it comes again in the next fetch); control
 * batches are skipped. With `aborted` (read_committed), records of a producer's
 * aborted transaction are skipped from its first offset up to its abort marker.
 * Returns also the offset after the last whole batch, so the fetch position
 * moves past batches whose records were all filtered out.
 */
export function decodeFetchedRecords(
  bytes: Buffer,
  fromOffset: bigint,
  verifyCrc: boolean,
  aborted: readonly AbortedRange[] | null,
): { records: DecodedRecord[]; nextOffset: bigint } {
  const records: DecodedRecord[] = [];
  let nextOffset = fromOffset;
  const abortedOpen = new Set<bigint>();
  const pendingAborts = aborted === null ? [] : [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  for (const slice of new RecordBatchIterator(bytes)) {
    if (slice.magic !== 2) continue; // v0/v1 message sets are not produced by any supported broker
    const batch = decodeRecordBatch(slice.bytes, 0, { verifyCrc });
    const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta);
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) {
      abortedOpen.add(pendingAborts.shift()!.producerId);
    }
    if (lastOffset + 1n > nextOffset) nextOffset = lastOffset + 1n;
    if (batch.isControl) {
      // An abort (or commit) marker closes the producer's transaction.
      abortedOpen.delete(batch.producerId);
      continue;
    }
    if (batch.isTransactional && abortedOpen.has(batch.producerId)) continue;
    const logAppendTime = batch.timestampType === 1;
    for (const r of batch.records) {
      if (r.offset < fromOffset) continue;
      records.push({
        offset: r.offset,
        timestamp: logAppendTime ? batch.maxTimestamp : r.timestamp,
        timestampType: batch.timestampType,
        leaderEpoch: batch.partitionLeaderEpoch,
        key: r.key,
        value: r.value,
        headers: r.headers,
      });
    }
  }
  return { records, nextOffset };
}
