// InitProducerId (22), versions 0-5. Without a transactional id (an
// idempotent producer) every call gets a fresh producer id at epoch 0, as
// Kafka's TransactionCoordinator does for a null transactional id; the ids
// come from blocks persisted in the data dir, so they never repeat across
// restarts (producer-ids/). A producerId given without its epoch, or the
// reverse (v3+), is INVALID_REQUEST as in Kafka.
// Transactions are not supported yet: a transactional id is answered with
// UNSUPPORTED_VERSION. It is not retriable in any client (the Java producer
// fails initTransactions at once with "Unexpected error in
// InitProducerIdResponse; The version of API is not supported", kafkajs
// throws it), where COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR would make
// clients retry until their timeout and TRANSACTIONAL_ID_AUTHORIZATION_FAILED
// would send users looking for ACLs that do not exist.
import { ApiKey, ErrorCode, type InitProducerIdRequest, InitProducerIdResponse } from '@fluxo/protocol';
import { ProducerIdsExhaustedError } from '../producer-ids/producer-id-manager.js';
import type { BrokerServices } from '../services.js';
import type { ApiHandler, RequestContext } from './handler.js';

const failed = (errorCode: number) => InitProducerIdResponse.create({ errorCode, producerId: -1n, producerEpoch: -1 });

export const initProducerIdHandler: ApiHandler = {
  apiKey: ApiKey.InitProducerId,
  minVersion: 0,
  maxVersion: 5,
  handle(_ctx: RequestContext, request: InitProducerIdRequest.InitProducerIdRequestData, broker: BrokerServices) {
    if (request.transactionalId !== null) return failed(ErrorCode.UNSUPPORTED_VERSION);
    if ((request.producerId === -1n) !== (request.producerEpoch === -1)) return failed(ErrorCode.INVALID_REQUEST);
    try {
      const producerId = broker.producerIds.generateProducerId();
      return InitProducerIdResponse.create({ errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 });
    } catch (e) {
      if (e instanceof ProducerIdsExhaustedError) return failed(ErrorCode.UNKNOWN_SERVER_ERROR);
      throw e;
    }
  },
};
