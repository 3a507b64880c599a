import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Kafka's `partition.metadata`: the topic id a partition directory belongs to. */
export const PARTITION_METADATA_FILE = 'partition.metadata';

export function writePartitionMetadata(dir: string, topicId: string): void {
  writeFileSync(join(dir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
}

export function readPartitionMetadata(dir: string): string | undefined {
  try {
    const text = readFileSync(join(dir, PARTITION_METADATA_FILE), 'utf8');
    return /^topic_id: (\S+)$/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
