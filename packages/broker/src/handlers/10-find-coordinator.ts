// FindCoordinator (10), versions 0-6: a single node coordinates every group
// (and would every transaction), so the answer is always this broker. v4+
// asks for many keys at once. The first group lookup creates
// `__consumer_offsets`, as Kafka does. Key types other than group (0) and
// transaction (1) are INVALID_REQUEST; share groups (2) are not supported.
import { ApiKey, ErrorCode, type FindCoordinatorRequest, FindCoordinatorResponse } from '@fluxo/protocol';
import { ensureOffsetsTopic } from '../groups/offsets-topic.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;

export const findCoordinatorHandler: ApiHandler = {
  apiKey: ApiKey.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  handle(ctx: RequestContext, request: FindCoordinatorRequest.FindCoordinatorRequestData, broker: BrokerServices) {
    const batched = ctx.apiVersion >= 4;
    const keys = batched ? request.coordinatorKeys : [request.key];
    const known = request.keyType === KEY_TYPE_GROUP || request.keyType === KEY_TYPE_TRANSACTION;
    if (known && request.keyType === KEY_TYPE_GROUP && keys.length > 0) {
      ensureOffsetsTopic({ ...broker, settings: broker.config.groupCoordinator });
    }
    const answer = (key: string) => ({
      key,
      nodeId: known ? broker.nodeId : -1,
      host: known ? broker.advertised.host : '',
      port: known ? broker.advertised.port : -1,
      errorCode: known ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
      errorMessage: known ? null : `Unsupported key type ${request.keyType}.`,
    });
    if (batched) {
      return FindCoordinatorResponse.create({
        coordinators: keys.map((key) => FindCoordinatorResponse.createCoordinator(answer(key))),
      });
    }
    const { nodeId, host, port, errorCode, errorMessage } = answer(request.key);
    return FindCoordinatorResponse.create({ nodeId, host, port, errorCode, errorMessage });
  },
};
