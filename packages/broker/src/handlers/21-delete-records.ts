// DeleteRecords (21), versions 0-2. Moves each partition's log start offset
// to the requested offset (-1: the high watermark) and deletes the segments
// wholly below it; the answer is the new low watermark. Offsets beyond the
// high watermark: OFFSET_OUT_OF_RANGE; unknown topic or partition:
// UNKNOWN_TOPIC_OR_PARTITION; a topic whose cleanup.policy lacks "delete":
// POLICY_VIOLATION, as Kafka. Single node: done when the response is sent.
import { ApiKey, type DeleteRecordsRequest, DeleteRecordsResponse } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { partitionLogOf } from '../produce/partition-lookup.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

function deleteInPartition(
  broker: BrokerServices,
  topicName: string,
  p: DeleteRecordsRequest.DeleteRecordsPartition,
): DeleteRecordsResponse.DeleteRecordsPartitionResult {
  const result = (errorCode: number, lowWatermark: bigint) =>
    DeleteRecordsResponse.createDeleteRecordsPartitionResult({
      partitionIndex: p.partitionIndex,
      errorCode,
      lowWatermark,
    });
  const log = partitionLogOf(broker, broker.topics.get(topicName), p.partitionIndex);
  if (log === undefined) return result(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n);
  if (!log.config.cleanupPolicy.includes('delete')) return result(ErrorCode.POLICY_VIOLATION, -1n);
  const outcome = log.deleteRecordsBefore(p.offset);
  return result(outcome.errorCode, outcome.errorCode === ErrorCode.NONE ? outcome.lowWatermark : -1n);
}

export const deleteRecordsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  handle(_ctx: RequestContext, request: DeleteRecordsRequest.DeleteRecordsRequestData, broker: BrokerServices) {
    const topics = request.topics.map((t) =>
      DeleteRecordsResponse.createDeleteRecordsTopicResult({
        name: t.name,
        partitions: t.partitions.map((p) => deleteInPartition(broker, t.name, p)),
      }),
    );
    return DeleteRecordsResponse.create({ topics });
  },
};
