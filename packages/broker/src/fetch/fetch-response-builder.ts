import { FetchResponse } from '@fluxo/protocol';
import type { FetchContext } from './fetch-session-context.js';
import type { PartitionRead } from './partition-reader.js';

/** Whether an incremental response must carry this partition (Kafka's FetchSession rules). */
function changed(read: PartitionRead): boolean {
  const { data, target } = read;
  return (
    data.errorCode !== 0 ||
    (data.records !== null && data.records.length > 0) ||
    data.highWatermark !== target.sentHighWatermark ||
    data.logStartOffset !== target.sentLogStartOffset ||
    data.lastStableOffset !== target.sentLastStableOffset
  );
}

/**
 * Groups partition results by topic in request order. A full response lists
 * every partition; an incremental one only those that changed. Session state
 * is updated: values sent are remembered, and partitions that returned data
 * move to the back of the session so the next fetch starts with the others.
 */
export function buildFetchResponse(context: FetchContext, reads: PartitionRead[]): FetchResponse.FetchResponseData {
  const incremental = context.kind === 'incremental';
  const responses: FetchResponse.FetchableTopicResponse[] = [];
  let current: FetchResponse.FetchableTopicResponse | undefined;
  for (const read of reads) {
    const include = !incremental || changed(read);
    const { target, data } = read;
    target.sentHighWatermark = data.highWatermark;
    target.sentLogStartOffset = data.logStartOffset;
    target.sentLastStableOffset = data.lastStableOffset;
    if (!include) continue;
    if (current === undefined || current.topicId !== target.topicId || current.topic !== target.topicName) {
      current = FetchResponse.createFetchableTopicResponse({
        topic: target.topicName,
        topicId: target.topicId,
        partitions: [],
      });
      responses.push(current);
    }
    current.partitions.push(data);
  }
  if (context.kind === 'full' || context.kind === 'incremental') {
    const { partitions } = context.session;
    const withData = new Set(reads.filter((r) => (r.data.records?.length ?? 0) > 0).map((r) => r.target));
    if (withData.size > 0)
      for (const [key, p] of [...partitions]) {
        if (!withData.has(p)) continue;
        partitions.delete(key);
        partitions.set(key, p);
      }
  }
  const sessionId = context.kind === 'full' || context.kind === 'incremental' ? context.session.id : 0;
  return FetchResponse.create({ sessionId, responses });
}
