import type { AssignorName } from '../group-types.js';
import type { PartitionAssignor } from './assignor.js';
import { rangeAssignor } from './range.js';
import { roundRobinAssignor } from './round-robin.js';
import { cooperativeStickyAssignor, stickyAssignor } from './sticky.js';

const BY_NAME: Record<AssignorName, PartitionAssignor> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  sticky: stickyAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};

export function assignorByName(name: string): PartitionAssignor | undefined {
  return Object.hasOwn(BY_NAME, name) ? BY_NAME[name as AssignorName] : undefined;
}
