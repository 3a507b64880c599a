// Test helper: the batches of one partition as the broker stored them, read
// from its log segments (Kafka's layout: <log.dirs>/<topic>-<partition>/*.log,
// batches exactly as the producer sent them, base offset patched). This is how
// the tests see batch boundaries and on-disk compression framing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BATCH_HEADER_SIZE, compressionOf, readBatchHeader, splitBatches } from '@fluxo/protocol';

export interface StoredBatch {
  baseOffset: bigint;
  recordCount: number;
  sizeBytes: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** Compression codec id from the attributes (0 none … 4 zstd). */
  compression: number;
  /** The records section (compressed as sent). */
  payload: Buffer;
}

export function storedBatches(dataDir: string, topic: string, partition: number): StoredBatch[] {
  const dir = join(dataDir, `${topic}-${partition}`);
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return segments.flatMap((segment) =>
    splitBatches(readFileSync(join(dir, segment))).batches.map((slice) => {
      const header = readBatchHeader(slice.bytes);
      return {
        baseOffset: header.baseOffset,
        recordCount: header.recordCount,
        sizeBytes: slice.sizeBytes,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
        compression: compressionOf(header.attributes),
        payload: slice.bytes.subarray(BATCH_HEADER_SIZE),
      };
    }),
  );
}
