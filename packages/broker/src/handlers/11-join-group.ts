// JoinGroup (11), versions 2-9 (Kafka 4.0 dropped 0-1). The answer waits
// until the rebalance completes (all members joined, or the rebalance
// timeout), so the handler returns a promise the coordinator resolves.
// v4+: a member without an id gets MEMBER_ID_REQUIRED and an id (KIP-394).
// v9+: a static leader rejoining a Stable group is told to skip the
// assignment (KIP-814).
import { ApiKey, type JoinGroupRequest, JoinGroupResponse } from '@fluxo/protocol';
import type { JoinOutcome } from '@fluxo/coordinator';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const joinGroupHandler: ApiHandler = {
  apiKey: ApiKey.JoinGroup,
  minVersion: 2,
  maxVersion: 9,
  handle(ctx: RequestContext, request: JoinGroupRequest.JoinGroupRequestData, broker: BrokerServices) {
    return new Promise<JoinGroupResponse.JoinGroupResponseData>((resolve) => {
      broker.groups.coordinator.join(
        {
          groupId: request.groupId,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId,
          protocolType: request.protocolType,
          protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          sessionTimeoutMs: request.sessionTimeoutMs,
          rebalanceTimeoutMs: request.rebalanceTimeoutMs,
          clientId: ctx.clientId ?? '',
          clientHost: `/${ctx.remoteAddress}`,
          requireKnownMemberId: ctx.apiVersion >= 4,
          supportsSkipAssignment: ctx.apiVersion >= 9,
        },
        (outcome) => resolve(joinResponse(outcome, ctx.apiVersion)),
      );
      broker.groups.schedule();
    });
  },
};

/** ProtocolName is nullable only from v7; older versions carry "" on errors, as Kafka does. */
const FIRST_NULLABLE_PROTOCOL_NAME_VERSION = 7;

function joinResponse(outcome: JoinOutcome, version: number): JoinGroupResponse.JoinGroupResponseData {
  return JoinGroupResponse.create({
    errorCode: outcome.errorCode,
    generationId: outcome.generationId,
    protocolType: outcome.protocolType,
    protocolName:
      outcome.protocolName === null && version < FIRST_NULLABLE_PROTOCOL_NAME_VERSION ? '' : outcome.protocolName,
    leader: outcome.leader,
    skipAssignment: outcome.skipAssignment,
    memberId: outcome.memberId,
    members: outcome.members.map((m) => JoinGroupResponse.createJoinGroupResponseMember(m)),
  });
}
