import {
  DescribeQuorumRequest,
  DescribeQuorumResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  Writer,
} from '@fluxo/protocol';
import { requestHeaderVersion, responseHeaderVersion } from '@fluxo/protocol';
import { ErrorCode } from '../core/index.js';
import { METADATA_TOPIC } from './kafka-messages.js';

/** What RaftNode.describe() reports. */
export interface QuorumView {
  readonly leaderId: number;
  readonly leaderEpoch: number;
  readonly highWatermark: number;
  readonly voters: ReadonlyMap<number, number>;
}

/**
 * DescribeQuorum (v0-v2), answered by the driver from the core's view without a step:
 * only the leader knows the voters' positions, others answer NOT_LEADER_OR_FOLLOWER.
 * Returns the response frame (with size prefix), or null when the frame is another api.
 */
export function answerDescribeQuorum(frame: Buffer, view: QuorumView, isLeader: boolean): Buffer | null {
  const apiKey = frame.readInt16BE(0);
  const version = frame.readInt16BE(2);
  if (apiKey !== DescribeQuorumRequest.apiKey) return null;
  if (version < DescribeQuorumRequest.lowestVersion || version > DescribeQuorumRequest.highestVersion)
    throw new Error(`unsupported DescribeQuorum v${version}`);
  const r = new Reader(frame);
  const header = RequestHeader.decode(r, requestHeaderVersion(apiKey, version));
  DescribeQuorumRequest.decode(r, version);
  const voters = [...view.voters].map(([replicaId, logEndOffset]) =>
    DescribeQuorumResponse.createReplicaState({ replicaId, logEndOffset: BigInt(logEndOffset) }),
  );
  const partition = DescribeQuorumResponse.createPartitionData({
    errorCode: isLeader ? ErrorCode.NONE : ErrorCode.NOT_LEADER_OR_FOLLOWER,
    leaderId: view.leaderId,
    leaderEpoch: view.leaderEpoch,
    highWatermark: BigInt(view.highWatermark),
    currentVoters: isLeader ? voters : [],
  });
  const topics = [DescribeQuorumResponse.createTopicData({ topicName: METADATA_TOPIC, partitions: [partition] })];
  const w = new Writer();
  w.writeInt32(0);
  ResponseHeader.encode(
    w,
    ResponseHeader.create({ correlationId: header.correlationId }),
    responseHeaderVersion(apiKey, version),
  );
  DescribeQuorumResponse.encode(w, DescribeQuorumResponse.create({ topics }), version);
  const out = w.toBuffer();
  out.writeInt32BE(out.length - 4, 0);
  return out;
}
