export {
  Group,
  GroupState,
  type JoinOutcome,
  type Member,
  type MemberProtocol,
  type SyncOutcome,
} from './group/group.js';
export {
  DEFAULT_GROUP_CONFIG,
  GroupCoordinator,
  type GroupCoordinatorConfig,
  type GroupHooks,
  type JoinRequest,
  type LeaveResult,
  type SyncRequest,
} from './group/group-coordinator.js';
export { GroupError } from './group/group-errors.js';
