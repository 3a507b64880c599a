// DeleteGroups (42), versions 0-2: removes empty groups with their committed
// offsets (tombstones in `__consumer_offsets`). A group with members answers
// NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
import { ApiKey, type DeleteGroupsRequest, DeleteGroupsResponse } from '@fluxo/protocol';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

export const deleteGroupsHandler: ApiHandler = {
  apiKey: ApiKey.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  handle(_ctx: RequestContext, request: DeleteGroupsRequest.DeleteGroupsRequestData, broker: BrokerServices) {
    return DeleteGroupsResponse.create({
      results: request.groupsNames.map((groupId) =>
        DeleteGroupsResponse.createDeletableGroupResult({ groupId, errorCode: broker.groups.deleteGroup(groupId) }),
      ),
    });
  },
};
