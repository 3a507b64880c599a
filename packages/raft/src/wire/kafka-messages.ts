import {
  BeginQuorumEpochRequest,
  BeginQuorumEpochResponse,
  EndQuorumEpochRequest,
  EndQuorumEpochResponse,
  FetchRequest,
  FetchResponse,
  FetchSnapshotRequest,
  FetchSnapshotResponse,
  VoteRequest,
  VoteResponse,
} from '@fluxo/protocol';
import type * as Raft from '../core/index.js';
import { decodeEntryBatches, encodeEntryBatches } from './entry-batches.js';

/** KRaft's metadata log: topic __cluster_metadata, partition 0, the fixed metadata topic id. */
export const METADATA_TOPIC = '__cluster_metadata';
export const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ';
export const CLUSTER_ID = 'fluxo-raft-cluster-00';
/**
 * KIP-996's PreVote field arrives with VoteRequest/Response v2, which our schema set does
 * not have yet: until then the flag travels as a tagged field of our own on v1.
 */
export const PRE_VOTE_TAG = 10_000;
const TRUE_TAG = Buffer.from([1]);

/** The api version we speak for each Raft api (the highest our generated codecs know). */
export const API = {
  vote: { key: VoteRequest.apiKey, version: 1 },
  beginQuorumEpoch: { key: BeginQuorumEpochRequest.apiKey, version: 1 },
  endQuorumEpoch: { key: EndQuorumEpochRequest.apiKey, version: 1 },
  fetch: { key: FetchRequest.apiKey, version: 17 },
  fetchSnapshot: { key: FetchSnapshotRequest.apiKey, version: 1 },
} as const;

export type KafkaRequest =
  | { api: 'vote'; data: VoteRequest.VoteRequestData }
  | { api: 'beginQuorumEpoch'; data: BeginQuorumEpochRequest.BeginQuorumEpochRequestData }
  | { api: 'endQuorumEpoch'; data: EndQuorumEpochRequest.EndQuorumEpochRequestData }
  | { api: 'fetch'; data: FetchRequest.FetchRequestData }
  | { api: 'fetchSnapshot'; data: FetchSnapshotRequest.FetchSnapshotRequestData };

const preVoteTag = (preVote: boolean) => (preVote ? [{ tag: PRE_VOTE_TAG, data: TRUE_TAG }] : undefined);
const hasPreVote = (m: { _unknownTaggedFields?: { tag: number }[] }) =>
  m._unknownTaggedFields?.some((t) => t.tag === PRE_VOTE_TAG) ?? false;

export function toKafkaRequest(m: Raft.RaftRequest): KafkaRequest {
  switch (m.kind) {
    case 'vote': {
      const p = VoteRequest.createPartitionData({
        candidateEpoch: m.candidateEpoch,
        candidateId: m.from,
        lastOffsetEpoch: m.lastOffsetEpoch,
        lastOffset: BigInt(m.lastOffset),
      });
      const tagged = preVoteTag(m.preVote);
      if (tagged) p._unknownTaggedFields = tagged;
      const topics = [VoteRequest.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
      return { api: 'vote', data: VoteRequest.create({ clusterId: CLUSTER_ID, voterId: m.to, topics }) };
    }
    case 'beginQuorumEpoch': {
      const p = BeginQuorumEpochRequest.createPartitionData({ leaderId: m.from, leaderEpoch: m.leaderEpoch });
      const topics = [BeginQuorumEpochRequest.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
      return {
        api: 'beginQuorumEpoch',
        data: BeginQuorumEpochRequest.create({ clusterId: CLUSTER_ID, voterId: m.to, topics }),
      };
    }
    case 'endQuorumEpoch': {
      const p = EndQuorumEpochRequest.createPartitionData({
        leaderId: m.from,
        leaderEpoch: m.leaderEpoch,
        // v1 names successors as (id, directory id) pairs; v0's PreferredSuccessors is gone.
        preferredCandidates: m.preferredSuccessors.map((candidateId) =>
          EndQuorumEpochRequest.createReplicaInfo({ candidateId }),
        ),
      });
      const topics = [EndQuorumEpochRequest.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
      return { api: 'endQuorumEpoch', data: EndQuorumEpochRequest.create({ clusterId: CLUSTER_ID, topics }) };
    }
    case 'fetch': {
      const p = FetchRequest.createFetchPartition({
        currentLeaderEpoch: m.currentLeaderEpoch,
        fetchOffset: BigInt(m.fetchOffset),
        lastFetchedEpoch: m.lastFetchedEpoch,
        partitionMaxBytes: 8 * 1024 * 1024,
      });
      const topics = [
        FetchRequest.createFetchTopic({ topic: METADATA_TOPIC, topicId: METADATA_TOPIC_ID, partitions: [p] }),
      ];
      const replicaState = FetchRequest.createReplicaState({ replicaId: m.from, replicaEpoch: -1n });
      return {
        api: 'fetch',
        data: FetchRequest.create({ clusterId: CLUSTER_ID, replicaState, maxWaitMs: m.maxWaitMs, minBytes: 0, topics }),
      };
    }
    case 'fetchSnapshot': {
      const snapshotId = { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch };
      const p = FetchSnapshotRequest.createPartitionSnapshot({
        currentLeaderEpoch: m.currentLeaderEpoch,
        snapshotId,
        position: BigInt(m.position),
      });
      const topics = [FetchSnapshotRequest.createTopicSnapshot({ name: METADATA_TOPIC, partitions: [p] })];
      return {
        api: 'fetchSnapshot',
        data: FetchSnapshotRequest.create({ clusterId: CLUSTER_ID, replicaId: m.from, maxBytes: 1024 * 1024, topics }),
      };
    }
  }
}

/** `to` is the receiving node (requests that do not name it: EndQuorumEpoch). */
export function fromKafkaRequest(r: KafkaRequest, correlation: number, to: number): Raft.RaftRequest {
  switch (r.api) {
    case 'vote': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'vote',
        from: p.candidateId,
        to: r.data.voterId,
        candidateEpoch: p.candidateEpoch,
        lastOffsetEpoch: p.lastOffsetEpoch,
        lastOffset: Number(p.lastOffset),
        preVote: hasPreVote(p),
        correlation,
      };
    }
    case 'beginQuorumEpoch': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'beginQuorumEpoch',
        from: p.leaderId,
        to: r.data.voterId,
        leaderEpoch: p.leaderEpoch,
        correlation,
      };
    }
    case 'endQuorumEpoch': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'endQuorumEpoch',
        from: p.leaderId,
        to,
        leaderEpoch: p.leaderEpoch,
        preferredSuccessors: p.preferredCandidates.map((c) => c.candidateId),
        correlation,
      };
    }
    case 'fetch': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'fetch',
        from: r.data.replicaState.replicaId,
        to,
        currentLeaderEpoch: p.currentLeaderEpoch,
        fetchOffset: Number(p.fetchOffset),
        lastFetchedEpoch: p.lastFetchedEpoch,
        maxWaitMs: r.data.maxWaitMs,
        correlation,
      };
    }
    case 'fetchSnapshot': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'fetchSnapshot',
        from: r.data.replicaId,
        to,
        currentLeaderEpoch: p.currentLeaderEpoch,
        snapshotId: { endOffset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch },
        position: Number(p.position),
        correlation,
      };
    }
  }
}

export type KafkaResponse =
  | { api: 'vote'; data: VoteResponse.VoteResponseData }
  | { api: 'beginQuorumEpoch'; data: BeginQuorumEpochResponse.BeginQuorumEpochResponseData }
  | { api: 'endQuorumEpoch'; data: EndQuorumEpochResponse.EndQuorumEpochResponseData }
  | { api: 'fetch'; data: FetchResponse.FetchResponseData }
  | { api: 'fetchSnapshot'; data: FetchSnapshotResponse.FetchSnapshotResponseData };

/** `api` is the api of the request answered (BeginQuorumEpoch and EndQuorumEpoch share one core response). */
export function toKafkaResponse(m: Raft.RaftResponse, api: KafkaResponse['api']): KafkaResponse {
  switch (m.kind) {
    case 'voteResponse': {
      const p = VoteResponse.createPartitionData({
        errorCode: m.errorCode,
        leaderId: m.leaderId,
        leaderEpoch: m.leaderEpoch,
        voteGranted: m.voteGranted,
      });
      const tagged = preVoteTag(m.preVote);
      if (tagged) p._unknownTaggedFields = tagged;
      const topics = [VoteResponse.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
      return { api: 'vote', data: VoteResponse.create({ topics }) };
    }
    case 'quorumEpochResponse': {
      const fields = { errorCode: m.errorCode, leaderId: m.leaderId, leaderEpoch: m.leaderEpoch };
      if (api === 'endQuorumEpoch') {
        const p = EndQuorumEpochResponse.createPartitionData(fields);
        const topics = [EndQuorumEpochResponse.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
        return { api, data: EndQuorumEpochResponse.create({ topics }) };
      }
      const p = BeginQuorumEpochResponse.createPartitionData(fields);
      const topics = [BeginQuorumEpochResponse.createTopicData({ topicName: METADATA_TOPIC, partitions: [p] })];
      return { api: 'beginQuorumEpoch', data: BeginQuorumEpochResponse.create({ topics }) };
    }
    case 'fetchResponse': {
      const p = FetchResponse.createPartitionData({
        errorCode: m.errorCode,
        highWatermark: BigInt(m.highWatermark),
        logStartOffset: BigInt(m.logStartOffset),
        currentLeader: { leaderId: m.leaderId, leaderEpoch: m.leaderEpoch },
        // KRaft's format: v2 batches, partitionLeaderEpoch = entry epoch, no timestamps on the wire.
        records: encodeEntryBatches(m.baseOffset, m.entries, -1, (epoch) =>
          epoch === m.leaderEpoch ? m.leaderId : -1,
        ),
      });
      if (m.divergingEpoch !== null)
        p.divergingEpoch = { epoch: m.divergingEpoch.epoch, endOffset: BigInt(m.divergingEpoch.endOffset) };
      if (m.snapshotId !== null)
        p.snapshotId = { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch };
      const responses = [FetchResponse.createFetchableTopicResponse({ topicId: METADATA_TOPIC_ID, partitions: [p] })];
      return { api: 'fetch', data: FetchResponse.create({ responses }) };
    }
    case 'fetchSnapshotResponse': {
      const p = FetchSnapshotResponse.createPartitionSnapshot({
        errorCode: m.errorCode,
        snapshotId: { endOffset: BigInt(m.snapshotId.endOffset), epoch: m.snapshotId.epoch },
        currentLeader: { leaderId: m.leaderId, leaderEpoch: m.leaderEpoch },
        size: BigInt(m.size),
        position: BigInt(m.position),
        unalignedRecords: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength),
      });
      const topics = [FetchSnapshotResponse.createTopicSnapshot({ name: METADATA_TOPIC, partitions: [p] })];
      return { api: 'fetchSnapshot', data: FetchSnapshotResponse.create({ topics }) };
    }
  }
}

/**
 * `request` is the one this answers (the driver keeps it by correlation id): it names the
 * responder and the fetch offset the records start at.
 */
export function fromKafkaResponse(r: KafkaResponse, request: Raft.RaftRequest): Raft.RaftResponse {
  const correlation = request.correlation;
  const from = request.to;
  const to = request.from;
  switch (r.api) {
    case 'vote': {
      const p = r.data.topics[0].partitions[0];
      const errorCode = r.data.errorCode !== 0 ? r.data.errorCode : p.errorCode;
      return {
        kind: 'voteResponse',
        from,
        to,
        errorCode,
        leaderEpoch: p.leaderEpoch,
        leaderId: p.leaderId,
        voteGranted: p.voteGranted,
        preVote: hasPreVote(p),
        correlation,
      };
    }
    case 'beginQuorumEpoch':
    case 'endQuorumEpoch': {
      const p = r.data.topics[0].partitions[0];
      const errorCode = r.data.errorCode !== 0 ? r.data.errorCode : p.errorCode;
      return {
        kind: 'quorumEpochResponse',
        from,
        to,
        errorCode,
        leaderEpoch: p.leaderEpoch,
        leaderId: p.leaderId,
        correlation,
      };
    }
    case 'fetch': {
      const p = r.data.responses[0].partitions[0];
      const baseOffset = request.kind === 'fetch' ? request.fetchOffset : 0;
      const entries: Raft.Entry[] = [];
      if (p.records !== null) decodeEntryBatches(p.records, baseOffset, entries);
      const diverging = p.divergingEpoch.endOffset >= 0n ? p.divergingEpoch : null;
      const snapshot = p.snapshotId.endOffset >= 0n ? p.snapshotId : null;
      return {
        kind: 'fetchResponse',
        from,
        to,
        errorCode: r.data.errorCode !== 0 ? r.data.errorCode : p.errorCode,
        leaderEpoch: p.currentLeader.leaderEpoch,
        leaderId: p.currentLeader.leaderId,
        highWatermark: Number(p.highWatermark),
        logStartOffset: Number(p.logStartOffset),
        baseOffset,
        entries,
        divergingEpoch: diverging ? { epoch: diverging.epoch, endOffset: Number(diverging.endOffset) } : null,
        snapshotId: snapshot ? { epoch: snapshot.epoch, endOffset: Number(snapshot.endOffset) } : null,
        correlation,
      };
    }
    case 'fetchSnapshot': {
      const p = r.data.topics[0].partitions[0];
      return {
        kind: 'fetchSnapshotResponse',
        from,
        to,
        errorCode: r.data.errorCode !== 0 ? r.data.errorCode : p.errorCode,
        leaderEpoch: p.currentLeader.leaderEpoch,
        leaderId: p.currentLeader.leaderId,
        snapshotId: { endOffset: Number(p.snapshotId.endOffset), epoch: p.snapshotId.epoch },
        size: Number(p.size),
        position: Number(p.position),
        bytes: p.unalignedRecords,
        correlation,
      };
    }
  }
}
