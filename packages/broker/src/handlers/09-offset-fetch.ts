// OffsetFetch (9), versions 1-9 (Kafka 4.0 dropped 0). v1-7 ask for one
// group, v8+ for many at once. Topics null (v2+) means every committed
// offset of the group. A partition without a commit answers offset -1 and no
// error, as does an unknown group. requireStable (v7+) needs transactions to
// matter: without them every committed offset is stable.
import { ApiKey, ErrorCode, type OffsetFetchRequest, OffsetFetchResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

interface FetchedTopic {
  name: string;
  partitions: {
    partitionIndex: number;
    committedOffset: bigint;
    committedLeaderEpoch: number;
    metadata: string | null;
    errorCode: number;
  }[];
}

function offsetsOf(
  broker: BrokerServices,
  groupId: string,
  topics: readonly { name: string; partitionIndexes: number[] }[] | null,
): FetchedTopic[] {
  const store = broker.groups.offsets;
  if (topics === null) {
    const byTopic = new Map<string, FetchedTopic>();
    for (const o of store.all(groupId)) {
      let topic = byTopic.get(o.topic);
      if (topic === undefined) byTopic.set(o.topic, (topic = { name: o.topic, partitions: [] }));
      topic.partitions.push({
        partitionIndex: o.partition,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        errorCode: ErrorCode.NONE,
      });
    }
    return [...byTopic.values()];
  }
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => {
      const committed = store.get(groupId, t.name, partitionIndex);
      return {
        partitionIndex,
        committedOffset: committed?.offset ?? -1n,
        committedLeaderEpoch: committed?.leaderEpoch ?? -1,
        metadata: committed?.metadata ?? '',
        errorCode: ErrorCode.NONE,
      };
    }),
  }));
}

export const offsetFetchHandler: ApiHandler = {
  apiKey: ApiKey.OffsetFetch,
  minVersion: 1,
  maxVersion: 9,
  handle(ctx: RequestContext, request: OffsetFetchRequest.OffsetFetchRequestData, broker: BrokerServices) {
    if (ctx.apiVersion >= 8) {
      return OffsetFetchResponse.create({
        groups: request.groups.map((g) =>
          OffsetFetchResponse.createOffsetFetchResponseGroup({
            groupId: g.groupId,
            errorCode: ErrorCode.NONE,
            topics: offsetsOf(broker, g.groupId, g.topics).map((t) =>
              OffsetFetchResponse.createOffsetFetchResponseTopics({
                name: t.name,
                partitions: t.partitions.map((p) => OffsetFetchResponse.createOffsetFetchResponsePartitions(p)),
              }),
            ),
          }),
        ),
      });
    }
    return OffsetFetchResponse.create({
      errorCode: ErrorCode.NONE,
      topics: offsetsOf(broker, request.groupId, request.topics).map((t) =>
        OffsetFetchResponse.createOffsetFetchResponseTopic({
          name: t.name,
          partitions: t.partitions.map((p) => OffsetFetchResponse.createOffsetFetchResponsePartition(p)),
        }),
      ),
    });
  },
};
