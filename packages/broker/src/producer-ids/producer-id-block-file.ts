import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../metadata/atomic-file.js';

/** In the data dir: the end of the last producer id block handed out (Kafka keeps it as a ProducerIdsRecord in the metadata log). */
export const PRODUCER_ID_BLOCK_FILE = 'producer-id-block';
const VERSION = 0;

export function producerIdBlockPath(dataDir: string): string {
  return join(dataDir, PRODUCER_ID_BLOCK_FILE);
}

/**
 * The first producer id not yet reserved, or 0 when no block was ever
 * reserved (no file). A file that exists but does not parse stops start-up:
 * guessing could hand out an id a producer already has.
 */
export function readNextProducerIdBlockStart(dataDir: string): bigint {
  let text: string;
  try {
    text = readFileSync(producerIdBlockPath(dataDir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0n;
    throw e;
  }
  const match = /^version=(\d+)\nnext\.block\.start=(\d{1,19})\n$/.exec(text);
  if (match === null || Number(match[1]) !== VERSION)
    throw new Error(`${producerIdBlockPath(dataDir)} is corrupt; refusing to allocate producer ids that could repeat`);
  return BigInt(match[2]);
}

/** Durable before it returns (temp file, fsync, rename, directory fsync). */
export function writeNextProducerIdBlockStart(dataDir: string, nextBlockStart: bigint): void {
  writeFileAtomically(producerIdBlockPath(dataDir), `version=${VERSION}\nnext.block.start=${nextBlockStart}\n`);
}
