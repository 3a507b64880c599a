// Test helper: an idempotent producer over RawClient, for exact control of
// producer ids, epochs and sequences (retries are re-sends of the same bytes).
import {
  ApiKey,
  CreateTopicsRequest,
  encodeRecordBatch,
  InitProducerIdRequest,
  type InitProducerIdResponse,
  ProduceRequest,
  type ProduceResponse,
} from '@fluxo/protocol';
import type { RawClient } from '../helpers/raw-client.js';

export async function createTopic(c: RawClient, name: string, numPartitions: number): Promise<void> {
  await c.request(
    ApiKey.CreateTopics,
    7,
    CreateTopicsRequest.create({
      topics: [CreateTopicsRequest.createCreatableTopic({ name, numPartitions, replicationFactor: 1 })],
    }),
  );
}

export async function initProducerId(c: RawClient): Promise<InitProducerIdResponse.InitProducerIdResponseData> {
  return c.request(ApiKey.InitProducerId, 4, InitProducerIdRequest.create({ transactionalId: null }));
}

export function idempotentBatch(
  producerId: bigint,
  producerEpoch: number,
  baseSequence: number,
  values: readonly string[],
): Buffer {
  return encodeRecordBatch({
    producerId,
    producerEpoch,
    baseSequence,
    baseTimestamp: BigInt(Date.now()),
    records: values.map((v) => ({ key: null, value: Buffer.from(v) })),
  });
}

export async function produce(
  c: RawClient,
  topic: string,
  partition: number,
  records: Buffer,
): Promise<ProduceResponse.PartitionProduceResponse> {
  const r = await c.request<ProduceResponse.ProduceResponseData>(
    ApiKey.Produce,
    9,
    ProduceRequest.create({
      acks: -1,
      timeoutMs: 10_000,
      topicData: [
        ProduceRequest.createTopicProduceData({ name: topic, partitionData: [{ index: partition, records }] }),
      ],
    }),
  );
  return r.responses[0].partitionResponses[0];
}
