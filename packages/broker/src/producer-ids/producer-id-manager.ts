import { readNextProducerIdBlockStart, writeNextProducerIdBlockStart } from './producer-id-block-file.js';

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000n;
const INT64_MAX = 9_223_372_036_854_775_807n;

export class ProducerIdsExhaustedError extends Error {}

/**
 * Hands out producer ids that never repeat, across restarts and kill -9:
 * ids come from blocks of PRODUCER_ID_BLOCK_SIZE whose end is fsynced to the
 * data dir before the block's first id is given out. A restart starts a fresh
 * block, so the rest of the previous one is skipped, as in Kafka.
 */
export class ProducerIdManager {
  private constructor(
    private readonly dataDir: string,
    private next: bigint,
    private blockEnd: bigint,
  ) {}

  static open(dataDir: string): ProducerIdManager {
    const start = readNextProducerIdBlockStart(dataDir);
    return new ProducerIdManager(dataDir, start, start);
  }

  generateProducerId(): bigint {
    if (this.next === this.blockEnd) {
      if (this.blockEnd > INT64_MAX - PRODUCER_ID_BLOCK_SIZE)
        throw new ProducerIdsExhaustedError('all producer ids are exhausted');
      const end = this.blockEnd + PRODUCER_ID_BLOCK_SIZE;
      writeNextProducerIdBlockStart(this.dataDir, end);
      this.blockEnd = end;
    }
    return this.next++;
  }
}
