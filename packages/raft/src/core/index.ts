export { MemoryLog } from './memory-log.js';
export { quorumOffset } from './quorum.js';
export { entriesAfterSnapshot } from './recovery.js';
export { EMPTY_DISK, type PersistedState, RaftNode } from './raft-node.js';
export * from './types.js';
