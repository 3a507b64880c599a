import type { MetadataResponse } from '@fluxo/protocol';

export interface BrokerAddress {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionInfo {
  partition: number;
  /** -1 while no leader is known. */
  leaderId: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicInfo {
  name: string;
  topicId: string;
  isInternal: boolean;
  errorCode: number;
  partitions: PartitionInfo[];
}

/**
 * The client's view of the cluster from its last Metadata responses. A refresh
 * for some topics replaces those topics only; brokers are replaced wholesale.
 * A leader epoch never goes backwards: an older answer from a lagging broker is
 * ignored for that partition (KIP-320).
 */
export class MetadataCache {
  brokers = new Map<number, BrokerAddress>();
  topics = new Map<string, TopicInfo>();
  clusterId: string | null = null;
  controllerId = -1;
  updatedAtMs = 0;
  /** When each topic was last in a Metadata answer (performance.now() ms): its age for metadata.max.age.ms. */
  private readonly topicUpdatedAtMs = new Map<string, number>();

  update(response: MetadataResponse.MetadataResponseData, nowMs: number): void {
    this.brokers = new Map(response.brokers.map((b) => [b.nodeId, { ...b }]));
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;
    this.updatedAtMs = nowMs;
    for (const topic of response.topics) {
      if (topic.name === null) continue;
      this.topicUpdatedAtMs.set(topic.name, nowMs);
      const previous = this.topics.get(topic.name);
      const partitions = topic.partitions
        .map((p): PartitionInfo => {
          const old = previous?.partitions[p.partitionIndex];
          if (old !== undefined && p.leaderEpoch >= 0 && old.leaderEpoch > p.leaderEpoch) return old;
          return {
            partition: p.partitionIndex,
            leaderId: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offlineReplicas: p.offlineReplicas,
            errorCode: p.errorCode,
          };
        })
        .sort((a, b) => a.partition - b.partition);
      if (topic.errorCode !== 0 && partitions.length === 0) {
        this.topics.delete(topic.name);
        continue;
      }
      this.topics.set(topic.name, {
        name: topic.name,
        topicId: topic.topicId,
        isInternal: topic.isInternal,
        errorCode: topic.errorCode,
        partitions,
      });
    }
  }

  /** performance.now() of the last answer that carried the topic; -Infinity if none did. */
  topicUpdatedAt(topic: string): number {
    return this.topicUpdatedAtMs.get(topic) ?? Number.NEGATIVE_INFINITY;
  }

  leaderOf(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leaderId ?? -1;
  }

  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.partitions.length;
  }

  /** Marks a partition's leader unknown after NOT_LEADER_OR_FOLLOWER, so the next send waits for metadata. */
  invalidateLeader(topic: string, partition: number): void {
    const p = this.topics.get(topic)?.partitions[partition];
    if (p !== undefined) p.leaderId = -1;
  }
}
