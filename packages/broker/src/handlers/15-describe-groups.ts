// DescribeGroups (15), versions 0-5: state, protocol and members of each
// group. As in Kafka, members' metadata and assignments are shown only while
// the group is Stable; an unknown group is described as Dead with no error.
import { ApiKey, type DescribeGroupsRequest, DescribeGroupsResponse, ErrorCode } from '@fluxo/protocol';
import { GroupState } from '@fluxo/coordinator';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

const EMPTY = Buffer.alloc(0);
/** Kafka's "operations not requested" value for authorizedOperations. */
const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

export const describeGroupsHandler: ApiHandler = {
  apiKey: ApiKey.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(_ctx: RequestContext, request: DescribeGroupsRequest.DescribeGroupsRequestData, broker: BrokerServices) {
    return DescribeGroupsResponse.create({
      groups: request.groups.map((groupId) => {
        const group = broker.groups.coordinator.group(groupId);
        if (group === undefined) {
          return DescribeGroupsResponse.createDescribedGroup({
            errorCode: groupId === '' ? ErrorCode.INVALID_GROUP_ID : ErrorCode.NONE,
            groupId,
            groupState: GroupState.Dead,
            protocolType: '',
            protocolData: '',
            members: [],
            authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
          });
        }
        const stable = group.is(GroupState.Stable);
        return DescribeGroupsResponse.createDescribedGroup({
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: group.state,
          protocolType: group.protocolType ?? '',
          protocolData: stable ? (group.protocolName ?? '') : '',
          members: [...group.members.values()].map((m) =>
            DescribeGroupsResponse.createDescribedGroupMember({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: stable && group.protocolName !== null ? group.metadataFor(m, group.protocolName) : EMPTY,
              memberAssignment: stable ? m.assignment : EMPTY,
            }),
          ),
          authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
        });
      }),
    });
  },
};
