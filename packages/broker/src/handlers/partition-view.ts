import type { BrokerServices } from '../services.js';

/** Leader epoch of every partition: a single node never changes leader. */
export const LEADER_EPOCH = 0;

/** Leader, replicas and ISR of a partition on a single node: all this node. */
export function singleNodePartition(broker: BrokerServices, partitionIndex: number) {
  return {
    errorCode: 0,
    partitionIndex,
    leaderId: broker.nodeId,
    leaderEpoch: LEADER_EPOCH,
    replicaNodes: [broker.nodeId],
    isrNodes: [broker.nodeId],
    offlineReplicas: [] as number[],
  };
}
