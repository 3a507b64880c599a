/**
 * Who a classic group lets in, and who a request speaks for: Kafka's
 * ClassicGroup.validateMember and GroupMetadataManager.acceptJoiningMember.
 */
import { ErrorCode } from '@fluxo/protocol';
import { type Group, GroupState } from './group.js';

/**
 * The error for a request that claims to be `memberId` (and, for a static
 * member, `groupInstanceId`), or NONE. A static claim is checked against the
 * instance's current member id first, so a replaced instance learns it was
 * fenced rather than that it is unknown.
 */
export function validateMember(group: Group, memberId: string, groupInstanceId: string | null): number {
  if (groupInstanceId !== null) {
    const current = group.staticMembers.get(groupInstanceId);
    if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    return current === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
  }
  return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
}

/**
 * group.max.size. An empty group takes anyone (the limit is applied when they
 * come back with their id). While rebalancing, the members already rejoined
 * count, so when the limit was lowered the last to rejoin are turned away; in
 * a settled group existing members always stay and new ones fill up to the limit.
 * Pending members (KIP-394) count only once they join with their id.
 */
export function acceptJoiningMember(group: Group, memberId: string, maxSize: number): boolean {
  switch (group.state) {
    case GroupState.Empty:
    case GroupState.Dead:
      return true;
    case GroupState.PreparingRebalance: {
      const member = group.members.get(memberId);
      return (member !== undefined && member.pendingJoin !== undefined) || group.awaitingJoinCount() < maxSize;
    }
    default:
      return group.members.has(memberId) || group.members.size < maxSize;
  }
}
