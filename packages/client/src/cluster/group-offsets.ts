import { ErrorCode, OffsetCommitRequest, OffsetFetchRequest } from '@fluxo/protocol';
import { Apis } from '../connection/apis.js';
import type { Connection } from '../connection/connection.js';
import { groupByTopic } from '../consumer/consumer-protocol.js';
import type { TopicPartition } from '../consumer/consumer-record.js';
import type { OffsetAndMetadata } from '../consumer/group-types.js';
import { kafkaError } from '../errors.js';

/** OffsetFetch v8+ asks for a list of groups; before, one group at the top level. */
const OFFSET_FETCH_GROUPS_VERSION = 8;
/** OffsetFetch v7 added requireStable (KIP-447). */
const REQUIRE_STABLE_VERSION = 7;
/** OffsetCommit v7 added groupInstanceId (KIP-345). */
const COMMIT_INSTANCE_ID_VERSION = 7;

export interface PartitionErrorCode {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface OffsetCommitMember {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** One OffsetCommit; returns each partition's error code (0 for committed). */
export async function offsetCommit(
  conn: Connection,
  groupId: string,
  member: OffsetCommitMember,
  offsets: readonly OffsetAndMetadata[],
): Promise<PartitionErrorCode[]> {
  const byTopic = new Map<string, OffsetAndMetadata[]>();
  for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
  const version = conn.versionOf(Apis.offsetCommit);
  const response = await conn.request(
    Apis.offsetCommit,
    OffsetCommitRequest.create({
      groupId,
      generationIdOrMemberEpoch: member.generationId,
      memberId: member.memberId,
      groupInstanceId: version >= COMMIT_INSTANCE_ID_VERSION ? member.groupInstanceId : null,
      retentionTimeMs: -1n,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({
          partitionIndex: o.partition,
          committedOffset: o.offset,
          committedLeaderEpoch: o.leaderEpoch ?? -1,
          commitTimestamp: -1n,
          committedMetadata: o.metadata ?? '',
        })),
      })),
    }),
    { version },
  );
  return response.topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode })),
  );
}

export interface FetchedOffset extends OffsetAndMetadata {
  errorCode: number;
}

/**
 * One OffsetFetch for a group: the given partitions, or all the group has
 * committed when `partitions` is null. A group-level error throws; partition
 * errors come back per partition. Offset -1 means nothing committed.
 */
export async function offsetFetch(
  conn: Connection,
  groupId: string,
  partitions: readonly TopicPartition[] | null,
  requireStable: boolean,
): Promise<FetchedOffset[]> {
  const topics =
    partitions === null
      ? null
      : groupByTopic(partitions).map((t) => ({ name: t.topic, partitionIndexes: t.partitions }));
  const version = conn.versionOf(Apis.offsetFetch);
  const response = await conn.request(
    Apis.offsetFetch,
    version >= OFFSET_FETCH_GROUPS_VERSION
      ? OffsetFetchRequest.create({ groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable })
      : OffsetFetchRequest.create({
          groupId,
          topics,
          requireStable: requireStable && version >= REQUIRE_STABLE_VERSION,
        }),
    { version },
  );
  const group = version >= OFFSET_FETCH_GROUPS_VERSION ? response.groups[0] : response;
  if (group === undefined)
    throw kafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `OffsetFetch "${groupId}"`, 'no group in the answer');
  if (group.errorCode !== 0) throw kafkaError(group.errorCode, `OffsetFetch "${groupId}"`);
  return group.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      leaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      errorCode: p.errorCode,
    })),
  );
}
