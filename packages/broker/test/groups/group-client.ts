/**
 * Calls the group handlers the way the network layer does (every request and
 * response through the generated codecs at the given version), with a
 * manual clock, for tests of the coordinator as hosted by the broker.
 */
import { ManualClock } from '@fluxo/core';
import type { JoinGroupResponse, OffsetCommitResponse, OffsetFetchResponse, SyncGroupResponse } from '@fluxo/protocol';
import { createTopic } from '../../src/admin/topic-admin.js';
import { offsetCommitHandler } from '../../src/handlers/08-offset-commit.js';
import { offsetFetchHandler } from '../../src/handlers/09-offset-fetch.js';
import { joinGroupHandler } from '../../src/handlers/11-join-group.js';
import { syncGroupHandler } from '../../src/handlers/14-sync-group.js';
import type { NO_RESPONSE } from '../../src/handlers/handler.js';
import type { BrokerServices } from '../../src/services.js';
import { call } from '../data-path/harness.js';
import { makeServices } from '../helpers/services.js';

export type Answer<T> = Exclude<T, typeof NO_RESPONSE>;

export async function answer<T>(promise: Promise<T | typeof NO_RESPONSE>): Promise<Answer<T>> {
  const value = await promise;
  if (typeof value === 'symbol') throw new Error('expected a response');
  return value as Answer<T>;
}

export async function groupBroker(settings: Record<string, string> = {}) {
  const clock = new ManualClock();
  const services = await makeServices(
    {
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '1000',
      'offsets.topic.num.partitions': '3',
      ...settings,
    },
    clock,
  );
  const broker = services.broker;
  const created = createTopic(broker, { name: 'orders', numPartitions: 4, replicationFactor: 1, configs: {} }, false);
  if (created.errorCode !== 0) throw new Error('could not create the test topic');
  return { ...services, clock, advance: (ms: number) => advance(broker, clock, ms) };
}

function advance(broker: BrokerServices, clock: ManualClock, ms: number): void {
  clock.advance(ms);
  broker.groups.coordinator.tick();
}

export interface JoinOptions {
  groupId: string;
  memberId?: string;
  groupInstanceId?: string | null;
  sessionTimeoutMs?: number;
  metadata?: Buffer;
  protocolType?: string;
  version?: number;
}

export function join(broker: BrokerServices, o: JoinOptions): Promise<Answer<JoinGroupResponse.JoinGroupResponseData>> {
  return answer(
    call<JoinGroupResponse.JoinGroupResponseData>(
      joinGroupHandler,
      o.version ?? 9,
      {
        groupId: o.groupId,
        sessionTimeoutMs: o.sessionTimeoutMs ?? 10_000,
        rebalanceTimeoutMs: 10_000,
        memberId: o.memberId ?? '',
        groupInstanceId: o.groupInstanceId ?? null,
        protocolType: o.protocolType ?? 'consumer',
        protocols: [{ name: 'range', metadata: o.metadata ?? Buffer.from('subscription') }],
        reason: null,
      },
      broker,
    ),
  );
}

/** The KIP-394 two-step join of a new member: returns its id once it is in the group. */
export async function joinNew(
  broker: BrokerServices,
  o: JoinOptions,
): Promise<Answer<JoinGroupResponse.JoinGroupResponseData>> {
  const first = await join(broker, o);
  if (first.errorCode !== 79 /* MEMBER_ID_REQUIRED */) return first;
  return join(broker, { ...o, memberId: first.memberId });
}

export function sync(
  broker: BrokerServices,
  groupId: string,
  memberId: string,
  generationId: number,
  assignments: { memberId: string; assignment: Buffer }[] = [],
  version = 5,
): Promise<Answer<SyncGroupResponse.SyncGroupResponseData>> {
  return answer(
    call<SyncGroupResponse.SyncGroupResponseData>(
      syncGroupHandler,
      version,
      {
        groupId,
        generationId,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocolName: 'range',
        assignments,
      },
      broker,
    ),
  );
}

export async function commit(
  broker: BrokerServices,
  o: {
    groupId: string;
    memberId?: string;
    generationId?: number;
    partitions: { topic: string; partition: number; offset: bigint; metadata?: string }[];
    version?: number;
  },
): Promise<Map<string, number>> {
  const topics = new Map<string, { partitionIndex: number; committedOffset: bigint; committedMetadata: string }[]>();
  for (const p of o.partitions) {
    const list = topics.get(p.topic) ?? [];
    list.push({ partitionIndex: p.partition, committedOffset: p.offset, committedMetadata: p.metadata ?? '' });
    topics.set(p.topic, list);
  }
  const response = await answer(
    call<OffsetCommitResponse.OffsetCommitResponseData>(
      offsetCommitHandler,
      o.version ?? 9,
      {
        groupId: o.groupId,
        generationIdOrMemberEpoch: o.generationId ?? -1,
        memberId: o.memberId ?? '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [...topics].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((p) => ({ ...p, committedLeaderEpoch: -1, commitTimestamp: -1n })),
        })),
      },
      broker,
    ),
  );
  const errors = new Map<string, number>();
  for (const t of response.topics)
    for (const p of t.partitions) errors.set(`${t.name}-${p.partitionIndex}`, p.errorCode);
  return errors;
}

/** Committed offsets of a group (OffsetFetch v7, all topics), as "topic-partition" -> offset. */
export async function committed(broker: BrokerServices, groupId: string, version = 7): Promise<Map<string, bigint>> {
  const response = await answer(
    call<OffsetFetchResponse.OffsetFetchResponseData>(
      offsetFetchHandler,
      version,
      version >= 8
        ? { groupId: '', topics: [], groups: [{ groupId, memberId: null, memberEpoch: -1, topics: null }] }
        : { groupId, topics: null, groups: [], requireStable: false },
      broker,
    ),
  );
  const topics = version >= 8 ? response.groups[0]!.topics : response.topics;
  const out = new Map<string, bigint>();
  for (const t of topics) for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, p.committedOffset);
  return out;
}
