import type { FetchRequest } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import {
  type FetchSession,
  type FetchSessionCache,
  type SessionPartition,
  sessionPartitionKey,
} from './fetch-session-cache.js';

/** KIP-227's reserved epochs. */
export const INITIAL_EPOCH = 0;
export const FINAL_EPOCH = -1;
export const INVALID_SESSION_ID = 0;

/**
 * What a fetch request means for sessions (Kafka's FetchManager.newContext):
 *  - error: unknown session or wrong epoch; answered with a top-level error.
 *  - sessionless: a full fetch outside any session (epoch -1, or no slot).
 *  - full: a new session (epoch 0); the response lists every partition.
 *  - incremental: an existing session; only changed partitions are listed.
 */
export type FetchContext =
  | { kind: 'error'; errorCode: number }
  | { kind: 'sessionless'; partitions: SessionPartition[] }
  | { kind: 'full'; session: FetchSession }
  | { kind: 'incremental'; session: FetchSession };

function topicNameOf(broker: BrokerServices, topic: FetchRequest.FetchTopic, usesTopicIds: boolean): string {
  if (!usesTopicIds) return topic.topic;
  return broker.topics.byId(topic.topicId)?.name ?? '';
}

function requestPartitions(
  broker: BrokerServices,
  request: FetchRequest.FetchRequestData,
  usesTopicIds: boolean,
): SessionPartition[] {
  const out: SessionPartition[] = [];
  for (const topic of request.topics) {
    const topicName = topicNameOf(broker, topic, usesTopicIds);
    const topicId = usesTopicIds ? topic.topicId : (broker.topics.get(topic.topic)?.topicId ?? '');
    for (const p of topic.partitions) {
      out.push({
        topicId,
        topicName,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.partitionMaxBytes,
        sentHighWatermark: -1n,
        sentLogStartOffset: -1n,
        sentLastStableOffset: -1n,
      });
    }
  }
  return out;
}

const keyOf = (p: SessionPartition, usesTopicIds: boolean) =>
  sessionPartitionKey(usesTopicIds ? p.topicId : p.topicName, p.partition);

export function newFetchContext(
  broker: BrokerServices,
  cache: FetchSessionCache,
  request: FetchRequest.FetchRequestData,
  usesTopicIds: boolean,
  nowMs: number,
): FetchContext {
  const { sessionId, sessionEpoch } = request;
  if (sessionEpoch === INITIAL_EPOCH || sessionEpoch === FINAL_EPOCH) {
    if (sessionId !== INVALID_SESSION_ID) cache.remove(sessionId);
    const partitions = requestPartitions(broker, request, usesTopicIds);
    const session = sessionEpoch === INITIAL_EPOCH ? cache.create(usesTopicIds, nowMs) : undefined;
    if (session === undefined) return { kind: 'sessionless', partitions };
    for (const p of partitions) session.partitions.set(keyOf(p, usesTopicIds), p);
    return { kind: 'full', session };
  }
  const session = sessionId === INVALID_SESSION_ID ? undefined : cache.get(sessionId, nowMs);
  if (session === undefined) return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND };
  if (session.epoch !== sessionEpoch) return { kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH };
  if (session.usesTopicIds !== usesTopicIds)
    return { kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR };
  for (const p of requestPartitions(broker, request, usesTopicIds)) {
    const key = keyOf(p, usesTopicIds);
    const known = session.partitions.get(key);
    if (known === undefined) session.partitions.set(key, p);
    else {
      known.fetchOffset = p.fetchOffset;
      known.maxBytes = p.maxBytes;
    }
  }
  for (const forgotten of request.forgottenTopicsData) {
    const topic = usesTopicIds ? forgotten.topicId : forgotten.topic;
    for (const partition of forgotten.partitions) session.partitions.delete(sessionPartitionKey(topic, partition));
  }
  session.advanceEpoch();
  return { kind: 'incremental', session };
}
