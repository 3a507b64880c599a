// ListOffsets (2), versions 1-10 (Kafka 4.0's range). Per partition: -2
// earliest (log start offset), -1 latest (high watermark; the last stable
// offset for read_committed, the same until transactions exist), -3 the
// record with the largest timestamp (v7+), -4 earliest local (v8+, the log
// start offset: all data is local), -5 latest tiered (v9+, none: offset -1),
// otherwise the first offset whose timestamp is >= the target (offset -1 and
// timestamp -1 when none). Unknown topic or partition:
// UNKNOWN_TOPIC_OR_PARTITION. The v10 timeout is unused: nothing is remote.
import { ApiKey, type ListOffsetsRequest, ListOffsetsResponse } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { partitionLogOf } from '../produce/partition-lookup.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** LeaderEpoch exists in the response from v4. */
const FIRST_LEADER_EPOCH_VERSION = 4;

function listPartition(
  version: number,
  broker: BrokerServices,
  topicName: string,
  p: ListOffsetsRequest.ListOffsetsPartition,
): ListOffsetsResponse.ListOffsetsPartitionResponse {
  const log = partitionLogOf(broker, broker.topics.get(topicName), p.partitionIndex);
  if (log === undefined)
    return ListOffsetsResponse.createListOffsetsPartitionResponse({
      partitionIndex: p.partitionIndex,
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      timestamp: -1n,
      offset: -1n,
      leaderEpoch: -1,
    });
  const found = log.offsetForTimestamp(p.timestamp);
  return ListOffsetsResponse.createListOffsetsPartitionResponse({
    partitionIndex: p.partitionIndex,
    timestamp: found?.timestamp ?? -1n,
    offset: found?.offset ?? -1n,
    leaderEpoch: version >= FIRST_LEADER_EPOCH_VERSION ? (found?.leaderEpoch ?? -1) : -1,
  });
}

export const listOffsetsHandler: ApiHandler = {
  apiKey: ApiKey.ListOffsets,
  minVersion: 1,
  maxVersion: 10,
  handle(ctx: RequestContext, request: ListOffsetsRequest.ListOffsetsRequestData, broker: BrokerServices) {
    const topics = request.topics.map((t) =>
      ListOffsetsResponse.createListOffsetsTopicResponse({
        name: t.name,
        partitions: t.partitions.map((p) => listPartition(ctx.apiVersion, broker, t.name, p)),
      }),
    );
    return ListOffsetsResponse.create({ topics });
  },
};
