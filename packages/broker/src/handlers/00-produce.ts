// Produce (0), versions 3-11 (Kafka 4.0 dropped 0-2; magic 2 batches only).
// Each partition's record set is validated (framing, magic, CRC32C,
// max.message.bytes, timestamps) and appended as bytes: the broker patches
// base offsets (and LogAppendTime) but never decodes a record. acks 0, 1 and
// -1 are accepted (single node: -1 is satisfied by the leader alone unless
// min.insync.replicas > 1, which answers NOT_ENOUGH_REPLICAS as Kafka does
// for an ISR of one); any other value is INVALID_REQUIRED_ACKS. acks=0 gets
// no response. Unknown topic or partition: UNKNOWN_TOPIC_OR_PARTITION.
// As Kafka's ProduceRequest.validateRecords: exactly one v2 batch per
// partition (INVALID_RECORD), no zstd before v7 (UNSUPPORTED_COMPRESSION_TYPE).
// Batches with a producer id (idempotent; transactional ones are treated the
// same until transactions exist) go through the partition's producer state
// (storage's producer/): a retry of one of the producer's last five batches
// is answered with its original offsets and not written again; a sequence
// gap, or a new epoch not starting at 0, is OUT_OF_ORDER_SEQUENCE_NUMBER; an
// older epoch is INVALID_PRODUCER_EPOCH; a producer id without state here is
// accepted at any sequence (Kafka 2.5+, so never UNKNOWN_PRODUCER_ID).
import { ApiKey, type ProduceRequest, ProduceResponse } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { partitionLogOf } from '../produce/partition-lookup.js';
import { checkProduceRecords } from '../produce/produce-records-check.js';
import type { BrokerServices } from '../services.js';
import { type ApiHandler, CLOSE_CONNECTION, NO_RESPONSE, type RequestContext } from './handler.js';

type PartitionResponse = ProduceResponse.PartitionProduceResponse;

function failed(index: number, errorCode: number, errorMessage: string | null): PartitionResponse {
  return ProduceResponse.createPartitionProduceResponse({
    index,
    errorCode,
    errorMessage,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
  });
}

function producePartition(
  version: number,
  broker: BrokerServices,
  topicName: string,
  data: ProduceRequest.PartitionProduceData,
  acks: number,
  nowMs: number,
): PartitionResponse {
  if (acks !== 0 && acks !== 1 && acks !== -1)
    return failed(data.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks=${acks} is not 0, 1 or -1`);
  const log = partitionLogOf(broker, broker.topics.get(topicName), data.index);
  if (log === undefined)
    return failed(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.');
  const invalid = checkProduceRecords(data.records, version);
  if (invalid !== null) return failed(data.index, invalid.errorCode, invalid.errorMessage);
  if (acks === -1 && log.config.minInsyncReplicas > 1)
    return failed(
      data.index,
      ErrorCode.NOT_ENOUGH_REPLICAS,
      `The in-sync replicas (1) are fewer than min.insync.replicas=${log.config.minInsyncReplicas}.`,
    );
  const result = log.append(data.records!, nowMs);
  if (result.errorCode !== ErrorCode.NONE) return failed(data.index, result.errorCode, result.errorMessage);
  return ProduceResponse.createPartitionProduceResponse({
    index: data.index,
    baseOffset: result.baseOffset,
    logAppendTimeMs: result.logAppendTimeMs,
    logStartOffset: result.logStartOffset,
  });
}

export const produceHandler: ApiHandler = {
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: 11,
  handle(ctx: RequestContext, request: ProduceRequest.ProduceRequestData, broker: BrokerServices) {
    const nowMs = broker.clock.nowMs();
    const responses = request.topicData.map((topic) =>
      ProduceResponse.createTopicProduceResponse({
        name: topic.name,
        partitionResponses: topic.partitionData.map((p) =>
          producePartition(ctx.apiVersion, broker, topic.name, p, request.acks, nowMs),
        ),
      }),
    );
    if (request.acks !== 0) return ProduceResponse.create({ responses });
    // acks=0: no answer; a failure closes the connection as Kafka does, so the producer notices.
    const failed = responses.some((t) => t.partitionResponses.some((p) => p.errorCode !== ErrorCode.NONE));
    return failed ? CLOSE_CONNECTION : NO_RESPONSE;
  },
};
