// LeaveGroup (13), versions 0-5: v0-2 name one member, v3+ a batch (KIP-345,
// static members may leave by group.instance.id). The group rebalances at
// once instead of waiting for the session timeout.
import { ApiKey, type LeaveGroupRequest, LeaveGroupResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const leaveGroupHandler: ApiHandler = {
  apiKey: ApiKey.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(ctx: RequestContext, request: LeaveGroupRequest.LeaveGroupRequestData, broker: BrokerServices) {
    const batched = ctx.apiVersion >= 3;
    const leaving = batched
      ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = broker.groups.coordinator.leave(request.groupId, leaving);
    broker.groups.schedule();
    if (batched) {
      return LeaveGroupResponse.create({
        errorCode: result.errorCode,
        members: result.members.map((m) => LeaveGroupResponse.createMemberResponse(m)),
      });
    }
    // One member: its own error is the answer.
    return LeaveGroupResponse.create({ errorCode: result.members[0]?.errorCode ?? result.errorCode });
  },
};
