// DeleteTopics (20), versions 0-6. By name (v0-5 topicNames, v6 topics[].name)
// or by id (v6 topics[].topicId). UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID
// for a topic that is not there, INVALID_REQUEST for one named twice,
// TOPIC_DELETION_DISABLED when delete.topic.enable=false. The topic leaves
// the registry before its files are deleted, so no client sees half a topic.
import { ApiKey, type DeleteTopicsRequest, DeleteTopicsResponse, ZERO_UUID } from '@fluxo/protocol';
import type { AdminResult } from '../admin/admin-result.js';
import { deleteTopic } from '../admin/topic-admin.js';
import { ErrorCode } from '@fluxo/protocol';
import type { TopicInfo } from '../metadata/topic-registry.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

interface Target {
  readonly name: string | null;
  readonly topicId: string;
}

export const deleteTopicsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteTopics,
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx: RequestContext, request: DeleteTopicsRequest.DeleteTopicsRequestData, broker: BrokerServices) {
    const targets: Target[] =
      ctx.apiVersion >= 6 ? request.topics : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
    const seen = new Map<string, number>();
    const keyOf = (t: Target): string => (t.name !== null ? `n:${t.name}` : `i:${t.topicId}`);
    for (const t of targets) seen.set(keyOf(t), (seen.get(keyOf(t)) ?? 0) + 1);
    const responses: DeleteTopicsResponse.DeletableTopicResult[] = [];
    for (const t of targets) {
      const topic = t.name !== null ? broker.topics.get(t.name) : broker.topics.byId(t.topicId);
      const result = await deleteOne(broker, t, topic, seen.get(keyOf(t))! > 1);
      responses.push(
        DeleteTopicsResponse.createDeletableTopicResult({
          name: topic?.name ?? t.name,
          topicId: topic?.topicId ?? t.topicId,
          errorCode: result.errorCode,
          errorMessage: result.errorMessage,
        }),
      );
    }
    return DeleteTopicsResponse.create({ responses });
  },
};

async function deleteOne(
  broker: BrokerServices,
  target: Target,
  topic: TopicInfo | undefined,
  duplicate: boolean,
): Promise<AdminResult> {
  if (duplicate) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' };
  if (target.name !== null && target.topicId !== ZERO_UUID) {
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Give a topic name or a topic id, not both.' };
  }
  if (topic === undefined) {
    return target.name !== null
      ? { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic.' }
      : { errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'This server does not host this topic ID.' };
  }
  return deleteTopic(broker, topic);
}
