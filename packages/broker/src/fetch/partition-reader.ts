import { FetchResponse } from '@fluxo/protocol';
import type { PartitionLog } from '@fluxo/storage';
import { ErrorCode } from '@fluxo/protocol';
import { partitionLogOf } from '../produce/partition-lookup.js';
import type { BrokerServices } from '../services.js';
import type { SessionPartition } from './fetch-session-cache.js';

export interface PartitionRead {
  readonly target: SessionPartition;
  readonly data: FetchResponse.PartitionData;
}

export interface FetchReadResult {
  readonly reads: PartitionRead[];
  /** Record bytes in the response. */
  readonly bytes: number;
  /** Any partition error makes Kafka answer at once rather than wait. */
  readonly hasError: boolean;
}

const EMPTY = Buffer.alloc(0);
/** READ_COMMITTED (1) lists aborted transactions (none yet); READ_UNCOMMITTED sends null. */
const READ_COMMITTED = 1;

export function logOfTarget(
  broker: BrokerServices,
  target: SessionPartition,
  usesTopicIds: boolean,
): PartitionLog | undefined {
  const topic = usesTopicIds ? broker.topics.byId(target.topicId) : broker.topics.get(target.topicName);
  return partitionLogOf(broker, topic, target.partition);
}

function errorData(partitionIndex: number, errorCode: number): FetchResponse.PartitionData {
  return FetchResponse.createPartitionData({
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    records: EMPTY,
  });
}

/**
 * Reads every target in order within the request's max_bytes: each partition
 * gets at most its partition_max_bytes, and until some data is found the
 * first batch is returned even when larger (KIP-74). Records are views of
 * segment bytes, never copied again or decoded.
 */
export function readPartitions(
  broker: BrokerServices,
  targets: Iterable<SessionPartition>,
  maxBytes: number,
  isolationLevel: number,
  usesTopicIds: boolean,
): FetchReadResult {
  const reads: PartitionRead[] = [];
  let bytes = 0;
  let hasError = false;
  for (const target of targets) {
    const log = logOfTarget(broker, target, usesTopicIds);
    if (log === undefined) {
      const unknownId = usesTopicIds && broker.topics.byId(target.topicId) === undefined;
      const code = unknownId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      reads.push({ target, data: errorData(target.partition, code) });
      hasError = true;
      continue;
    }
    const limit = Math.min(target.maxBytes, maxBytes - bytes);
    const read = log.read(target.fetchOffset, Math.max(0, limit), bytes === 0 && target.maxBytes > 0);
    if (read.errorCode !== ErrorCode.NONE) {
      reads.push({ target, data: errorData(target.partition, read.errorCode) });
      hasError = true;
      continue;
    }
    bytes += read.records.length;
    reads.push({
      target,
      data: FetchResponse.createPartitionData({
        partitionIndex: target.partition,
        highWatermark: read.highWatermark,
        lastStableOffset: read.lastStableOffset,
        logStartOffset: read.logStartOffset,
        abortedTransactions: isolationLevel === READ_COMMITTED ? [] : null,
        preferredReadReplica: -1,
        records: read.records,
      }),
    });
  }
  return { reads, bytes, hasError };
}
