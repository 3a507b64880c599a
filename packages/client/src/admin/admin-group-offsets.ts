// A group's committed offsets through its coordinator, as Java's
// ListConsumerGroupOffsets / AlterConsumerGroupOffsets /
// DeleteConsumerGroupOffsets handlers: a coordinator error (moved, loading,
// not available) finds the coordinator again and retries until the timeout;
// every other partition error is that partition's result, and a group-level
// error (GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...) fails the call.
import { isKafkaError, OffsetDeleteRequest } from '@fluxo/protocol';
import { backoffMs, sleep } from '../cluster/backoff.js';
import type { Cluster } from '../cluster/cluster.js';
import { CoordinatorKeyType, findCoordinator, isCoordinatorError } from '../cluster/find-coordinator.js';
import { offsetCommit, offsetFetch } from '../cluster/group-offsets.js';
import { Apis } from '../connection/apis.js';
import type { Connection } from '../connection/connection.js';
import { groupByTopic } from '../consumer/consumer-protocol.js';
import type { TopicPartition } from '../consumer/consumer-record.js';
import { kafkaError } from '../errors.js';
import { checkArray, checkInt32, checkInt64, checkName } from './admin-input.js';
import type { GroupTopicPartitionOffset, ListedGroupOffset, PartitionResult } from './admin-types.js';

/** Thrown inside an attempt to ask the coordinator again. */
class CoordinatorMoved extends Error {}

/** Runs `attempt` against the group's coordinator, again after coordinator errors, until `timeoutMs`. */
async function atCoordinator<T>(
  cluster: Cluster,
  groupId: string,
  timeoutMs: number,
  attempt: (conn: Connection) => Promise<T>,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let n = 0; ; n++) {
    const c = await findCoordinator(
      cluster,
      groupId,
      CoordinatorKeyType.group,
      Math.max(0, deadline - performance.now()),
    );
    const conn = await cluster.coordinatorConnection(c.nodeId, c.host, c.port);
    try {
      return await attempt(conn);
    } catch (err) {
      const again = err instanceof CoordinatorMoved || (isKafkaError(err) && isCoordinatorError(err.code));
      if (!again || performance.now() >= deadline) throw err instanceof CoordinatorMoved ? err.cause : err;
    }
    await sleep(backoffMs(n, cluster.config.retryBackoffMs, 1000));
  }
}

function coordinatorMoved(code: number, what: string): CoordinatorMoved {
  return new CoordinatorMoved(what, { cause: kafkaError(code, what) });
}

export function checkPartitions(partitions: readonly TopicPartition[], what: string): void {
  for (const p of checkArray(partitions, what)) {
    checkName(p.topic, 'topic');
    checkInt32(p.partition, `partition of ${p.topic}`);
  }
}

export async function listGroupOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[] | null,
  requireStable: boolean,
  timeoutMs: number,
): Promise<ListedGroupOffset[]> {
  checkName(groupId, 'group id');
  if (partitions !== null) checkPartitions(partitions, 'partitions');
  return atCoordinator(cluster, groupId, timeoutMs, async (conn) => {
    const offsets = await offsetFetch(conn, groupId, partitions, requireStable);
    const out: ListedGroupOffset[] = [];
    for (const o of offsets) {
      const what = `committed offset of ${o.topic}-${o.partition} in "${groupId}"`;
      if (isCoordinatorError(o.errorCode)) throw coordinatorMoved(o.errorCode, what);
      // Nothing committed: Java leaves such a partition out (or maps it to null); so do we.
      if (o.errorCode === 0 && o.offset < 0n) continue;
      out.push({
        topic: o.topic,
        partition: o.partition,
        offset: o.errorCode === 0 ? o.offset : -1n,
        leaderEpoch: o.leaderEpoch ?? -1,
        metadata: o.metadata ?? null,
        error: o.errorCode === 0 ? null : kafkaError(o.errorCode, what),
      });
    }
    return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  });
}

export async function alterGroupOffsets(
  cluster: Cluster,
  groupId: string,
  offsets: readonly GroupTopicPartitionOffset[],
  timeoutMs: number,
): Promise<PartitionResult[]> {
  checkName(groupId, 'group id');
  checkPartitions(offsets, 'offsets');
  for (const o of offsets) checkInt64(o.offset, `offset of ${o.topic}-${o.partition}`);
  return atCoordinator(cluster, groupId, timeoutMs, async (conn) => {
    // Kafka's admin commit: generation -1 and no member, accepted only while the group has no members.
    const results = await offsetCommit(
      conn,
      groupId,
      { generationId: -1, memberId: '', groupInstanceId: null },
      offsets,
    );
    return results.map((r) => {
      const what = `alter offset of ${r.topic}-${r.partition} in "${groupId}"`;
      if (isCoordinatorError(r.errorCode)) throw coordinatorMoved(r.errorCode, what);
      return {
        topic: r.topic,
        partition: r.partition,
        error: r.errorCode === 0 ? null : kafkaError(r.errorCode, what),
      };
    });
  });
}

export async function deleteGroupOffsets(
  cluster: Cluster,
  groupId: string,
  partitions: readonly TopicPartition[],
  timeoutMs: number,
): Promise<PartitionResult[]> {
  checkName(groupId, 'group id');
  checkPartitions(partitions, 'partitions');
  return atCoordinator(cluster, groupId, timeoutMs, async (conn) => {
    const response = await conn.request(
      Apis.offsetDelete,
      OffsetDeleteRequest.create({
        groupId,
        topics: groupByTopic(partitions).map((t) => ({
          name: t.topic,
          partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })),
        })),
      }),
    );
    if (response.errorCode !== 0) throw kafkaError(response.errorCode, `delete offsets of "${groupId}"`);
    return response.topics.flatMap((t) =>
      t.partitions.map((p) => {
        const what = `delete offset of ${t.name}-${p.partitionIndex} in "${groupId}"`;
        if (isCoordinatorError(p.errorCode)) throw coordinatorMoved(p.errorCode, what);
        return {
          topic: t.name,
          partition: p.partitionIndex,
          error: p.errorCode === 0 ? null : kafkaError(p.errorCode, what),
        };
      }),
    );
  });
}
