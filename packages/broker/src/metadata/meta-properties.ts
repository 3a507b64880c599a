import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUuid } from '@fluxo/protocol';
import { parseProperties } from '../config/properties.js';
import { writeFileAtomically } from './atomic-file.js';

/** Kafka's KRaft meta.properties version. */
const META_VERSION = '1';

export interface MetaProperties {
  readonly clusterId: string;
  readonly nodeId: number;
}

/**
 * Reads meta.properties from the log dir, or writes one with a new cluster id
 * on first start (like `kafka-storage format`). A node.id that differs from
 * the stored one stops start-up: the data belongs to another node.
 */
export function loadOrCreateMetaProperties(logDir: string, nodeId: number): MetaProperties {
  const path = join(logDir, 'meta.properties');
  if (existsSync(path)) {
    const props = parseProperties(readFileSync(path, 'utf8'));
    const clusterId = props.get('cluster.id');
    const storedNodeId = Number(props.get('node.id'));
    if (clusterId === undefined || clusterId === '') throw new Error(`${path}: no cluster.id`);
    if (storedNodeId !== nodeId) {
      throw new Error(`${path}: stored node.id ${props.get('node.id')} does not match configured node.id ${nodeId}`);
    }
    return { clusterId, nodeId };
  }
  const clusterId = randomUuid(randomBytes);
  writeFileAtomically(
    path,
    `#\n#${new Date().toString()}\ncluster.id=${clusterId}\nnode.id=${nodeId}\nversion=${META_VERSION}\n`,
  );
  return { clusterId, nodeId };
}
