// Fetch (1), versions 4-17 (Kafka 4.0's range). Consumers only: the request
// is served like a consumer's whatever its replica id (single node, no
// followers). Long poll: answered at once when min_bytes are available, an
// error occurred, or max_wait_ms is 0; otherwise after max_wait_ms or as soon
// as appends bring min_bytes. max_bytes and partition_max_bytes bound the
// response (max_bytes capped at Kafka's fetch.max.bytes default, 55 MiB), but
// the first batch found is always returned whole (KIP-74).
// Topic ids from v13 (unknown id: UNKNOWN_TOPIC_ID). Fetch sessions of
// KIP-227 from v7: epoch 0 opens a session (full response), epoch -1 is
// sessionless, later epochs are incremental (only changed partitions);
// FETCH_SESSION_ID_NOT_FOUND / INVALID_FETCH_SESSION_EPOCH as Kafka.
// read_uncommitted and read_committed are served alike until transactions
// exist (LSO = high watermark); preferred read replica is always -1.
import { ApiKey, type FetchRequest, FetchResponse } from '@fluxo/protocol';
import type { PartitionLog } from '@fluxo/storage';
import { waitForAppends } from '../fetch/delayed-fetch.js';
import { buildFetchResponse } from '../fetch/fetch-response-builder.js';
import type { SessionPartition } from '../fetch/fetch-session-cache.js';
import { type FetchContext, newFetchContext } from '../fetch/fetch-session-context.js';
import { type FetchReadResult, logOfTarget, readPartitions } from '../fetch/partition-reader.js';
import { fetchSessionCacheOf } from '../fetch/session-cache-registry.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

/** Topic ids replace topic names in Fetch from v13. */
const FIRST_TOPIC_ID_VERSION = 13;

function targetsOf(context: Exclude<FetchContext, { kind: 'error' }>): SessionPartition[] {
  return context.kind === 'sessionless' ? context.partitions : [...context.session.partitions.values()];
}

export const fetchHandler: ApiHandler = {
  apiKey: ApiKey.Fetch,
  minVersion: 4,
  maxVersion: 17,
  handle(ctx: RequestContext, request: FetchRequest.FetchRequestData, broker: BrokerServices) {
    const usesTopicIds = ctx.apiVersion >= FIRST_TOPIC_ID_VERSION;
    const context = newFetchContext(broker, fetchSessionCacheOf(broker), request, usesTopicIds, broker.clock.nowMs());
    if (context.kind === 'error') return FetchResponse.create({ errorCode: context.errorCode, sessionId: 0 });
    const targets = targetsOf(context);
    const maxBytes = Math.min(request.maxBytes, broker.config.fetchMaxBytes);
    const read = (): FetchReadResult => readPartitions(broker, targets, maxBytes, request.isolationLevel, usesTopicIds);
    const first = read();
    const answerNow =
      request.maxWaitMs <= 0 || targets.length === 0 || first.hasError || first.bytes >= request.minBytes;
    if (answerNow) return buildFetchResponse(context, first.reads);
    const logs = targets
      .map((t) => logOfTarget(broker, t, usesTopicIds))
      .filter((l): l is PartitionLog => l !== undefined);
    return waitForAppends(broker, logs, request.minBytes - first.bytes, request.maxWaitMs).then(() =>
      buildFetchResponse(context, read().reads),
    );
  },
};
