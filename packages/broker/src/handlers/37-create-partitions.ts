// CreatePartitions (37), versions 0-3. Grows a topic to `count` partitions;
// INVALID_PARTITIONS when count is not larger, UNKNOWN_TOPIC_OR_PARTITION for
// a missing topic, INVALID_REQUEST for a topic named twice,
// INVALID_REPLICA_ASSIGNMENT when manual assignments do not give exactly the
// new partitions to this node. validateOnly changes nothing.
import { ApiKey, type CreatePartitionsRequest, CreatePartitionsResponse } from '@fluxo/protocol';
import { type AdminResult, fail } from '../admin/admin-result.js';
import { addPartitions } from '../admin/topic-admin.js';
import { ErrorCode } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const createPartitionsHandler: ApiHandler = {
  apiKey: ApiKey.CreatePartitions,
  minVersion: 0,
  maxVersion: 3,
  handle(_ctx: RequestContext, request: CreatePartitionsRequest.CreatePartitionsRequestData, broker: BrokerServices) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const results = request.topics.map((t) => {
      const result: AdminResult =
        counts.get(t.name)! > 1
          ? fail(ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.')
          : growOne(broker, t, request.validateOnly);
      return CreatePartitionsResponse.createCreatePartitionsTopicResult({ name: t.name, ...result });
    });
    return CreatePartitionsResponse.create({ results });
  },
};

function growOne(
  broker: BrokerServices,
  t: CreatePartitionsRequest.CreatePartitionsTopic,
  validateOnly: boolean,
): AdminResult {
  const topic = broker.topics.get(t.name);
  if (topic === undefined) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`);
  if (t.assignments !== null) {
    const added = t.count - topic.partitions;
    const valid =
      t.assignments.length === added &&
      t.assignments.every((a) => a.brokerIds.length === 1 && a.brokerIds[0] === broker.nodeId);
    if (!valid && added > 0) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Expected ${added} assignments, each naming only this node (${broker.nodeId}).`,
      );
    }
  }
  return addPartitions(broker, topic, t.count, validateOnly);
}
