/**
 * A group as Kafka stores it in `__consumer_offsets` (GroupMetadataValue) and
 * back. Only settled groups are written: Stable (members with their chosen
 * protocol's subscription and assignment) or Empty (no members, the generation
 * kept so the next one is higher).
 */
import { GroupMetadataValue } from '@fluxo/protocol';
import { Group, GroupState, type Member } from '../group/group.js';
import type { GroupMetadata } from './consumer-offsets-records.js';

export function groupMetadataOf(group: Group): GroupMetadata {
  const protocol = group.protocolName;
  return GroupMetadataValue.create({
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderId,
    currentStateTimestamp: BigInt(group.stateTimestampMs),
    members: [...group.members.values()].map((m) =>
      GroupMetadataValue.createMemberMetadata({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: protocol === null ? Buffer.alloc(0) : group.metadataFor(m, protocol),
        assignment: m.assignment,
      }),
    ),
  });
}

/**
 * Rebuilds a group from its last record. With members it comes back Stable,
 * as in Kafka: they keep their assignment if they heartbeat in time.
 */
export function groupFromMetadata(groupId: string, value: GroupMetadata): Group {
  const group = new Group(groupId);
  group.generationId = value.generation;
  group.protocolType = value.protocolType === '' ? null : value.protocolType;
  group.protocolName = value.protocol;
  group.leaderId = value.leader;
  group.stateTimestampMs = Number(value.currentStateTimestamp);
  for (const m of value.members) {
    const member: Member = {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      sessionTimeoutMs: m.sessionTimeout,
      rebalanceTimeoutMs: m.rebalanceTimeout < 0 ? m.sessionTimeout : m.rebalanceTimeout,
      protocolType: value.protocolType,
      protocols: value.protocol === null ? [] : [{ name: value.protocol, metadata: m.subscription }],
      assignment: m.assignment,
      sessionDeadlineMs: 0,
      pendingJoin: undefined,
      pendingSync: undefined,
    };
    group.members.set(m.memberId, member);
    if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
  }
  if (group.members.size > 0 && value.protocol !== null) {
    group.state = GroupState.Stable;
  } else {
    group.members.clear();
    group.staticMembers.clear();
    group.leaderId = null;
  }
  return group;
}
