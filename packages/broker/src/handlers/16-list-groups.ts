// ListGroups (16), versions 0-5: every group, filtered by state (v4+,
// case-insensitive) and type (v5+: all of ours are "classic").
import { ApiKey, ErrorCode, type ListGroupsRequest, ListGroupsResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

const GROUP_TYPE = 'classic';

export const listGroupsHandler: ApiHandler = {
  apiKey: ApiKey.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(_ctx: RequestContext, request: ListGroupsRequest.ListGroupsRequestData, broker: BrokerServices) {
    const types = request.typesFilter.map((t) => t.toLowerCase());
    const groups =
      types.length === 0 || types.includes(GROUP_TYPE) ? broker.groups.coordinator.list(request.statesFilter) : [];
    return ListGroupsResponse.create({
      errorCode: ErrorCode.NONE,
      groups: groups.map((g) => ListGroupsResponse.createListedGroup({ ...g, groupType: GROUP_TYPE })),
    });
  },
};
