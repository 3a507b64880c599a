// Heartbeat (12), versions 0-4: keeps a member's session alive and tells it
// of a rebalance (REBALANCE_IN_PROGRESS) so it rejoins.
import { ApiKey, type HeartbeatRequest, HeartbeatResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const heartbeatHandler: ApiHandler = {
  apiKey: ApiKey.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  handle(_ctx: RequestContext, request: HeartbeatRequest.HeartbeatRequestData, broker: BrokerServices) {
    const errorCode = broker.groups.coordinator.heartbeat(
      request.groupId,
      request.memberId,
      request.groupInstanceId,
      request.generationId,
    );
    broker.groups.schedule();
    return HeartbeatResponse.create({ errorCode });
  },
};
