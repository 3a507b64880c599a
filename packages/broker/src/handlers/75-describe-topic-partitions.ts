// DescribeTopicPartitions (75), version 0 (KIP-966). Named topics, or every
// topic when the list is empty, sorted by name, starting at the cursor; at
// most responsePartitionLimit partitions (capped at 2000 as in Kafka) per
// response, with nextCursor where it stopped. Unknown names:
// UNKNOWN_TOPIC_OR_PARTITION; ELR lists are empty on a single node.
import {
  ApiKey,
  type DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  ZERO_UUID,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import type { TopicInfo } from '../metadata/topic-registry.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';
import { singleNodePartition } from './partition-view.js';

const PARTITIONS_PER_RESPONSE_MAX = 2000;

type ResponseTopic = DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponseTopic;

export const describeTopicPartitionsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeTopicPartitions,
  minVersion: 0,
  maxVersion: 0,
  handle(
    _ctx: RequestContext,
    request: DescribeTopicPartitionsRequest.DescribeTopicPartitionsRequestData,
    broker: BrokerServices,
  ) {
    const names =
      request.topics.length === 0 ? broker.topics.list().map((t) => t.name) : request.topics.map((t) => t.name);
    const sorted = [...new Set(names)].sort();
    const cursor = request.cursor;
    let budget = Math.min(Math.max(request.responsePartitionLimit, 1), PARTITIONS_PER_RESPONSE_MAX);
    const topics: ResponseTopic[] = [];
    let nextCursor: DescribeTopicPartitionsResponse.Cursor | null = null;
    for (const name of sorted) {
      if (cursor !== null && name < cursor.topicName) continue;
      const topic = broker.topics.get(name);
      if (topic === undefined) {
        topics.push(
          DescribeTopicPartitionsResponse.createDescribeTopicPartitionsResponseTopic({
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            name,
            topicId: ZERO_UUID,
          }),
        );
        continue;
      }
      if (budget === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const first = cursor !== null && name === cursor.topicName ? Math.max(cursor.partitionIndex, 0) : 0;
      const last = Math.min(topic.partitions, first + budget);
      topics.push(describe(broker, topic, first, last));
      budget -= last - first;
      if (last < topic.partitions) {
        nextCursor = { topicName: name, partitionIndex: last };
        break;
      }
    }
    return DescribeTopicPartitionsResponse.create({ topics, nextCursor });
  },
};

function describe(broker: BrokerServices, topic: TopicInfo, first: number, last: number): ResponseTopic {
  const partitions: DescribeTopicPartitionsResponse.DescribeTopicPartitionsResponsePartition[] = [];
  for (let p = first; p < last; p++) {
    partitions.push(
      DescribeTopicPartitionsResponse.createDescribeTopicPartitionsResponsePartition({
        ...singleNodePartition(broker, p),
        eligibleLeaderReplicas: [],
        lastKnownElr: [],
      }),
    );
  }
  return DescribeTopicPartitionsResponse.createDescribeTopicPartitionsResponseTopic({
    errorCode: 0,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.isInternal,
    partitions,
  });
}
