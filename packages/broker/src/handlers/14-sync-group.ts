// SyncGroup (14), versions 0-5. Followers wait until the leader's SyncGroup
// brings the assignment; then everyone gets theirs and the group is Stable.
import { ApiKey, type SyncGroupRequest, SyncGroupResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const syncGroupHandler: ApiHandler = {
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  handle(_ctx: RequestContext, request: SyncGroupRequest.SyncGroupRequestData, broker: BrokerServices) {
    return new Promise<SyncGroupResponse.SyncGroupResponseData>((resolve) => {
      broker.groups.coordinator.sync(
        {
          groupId: request.groupId,
          memberId: request.memberId,
          generationId: request.generationId,
          groupInstanceId: request.groupInstanceId,
          protocolType: request.protocolType,
          protocolName: request.protocolName,
          assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
        },
        (outcome) => resolve(SyncGroupResponse.create(outcome)),
      );
      broker.groups.schedule();
    });
  },
};
