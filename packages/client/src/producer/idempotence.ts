import { InitProducerIdRequest } from '@fluxo/protocol';
import type { Cluster } from '../cluster/cluster.js';
import { Apis } from '../connection/apis.js';
import { kafkaError } from '../errors.js';

export interface ProducerIdentity {
  producerId: bigint;
  producerEpoch: number;
}

export const NO_PRODUCER: ProducerIdentity = { producerId: -1n, producerEpoch: -1 };

/**
 * Asks any broker for a producer id (InitProducerId without a transactional id).
 * Returns null when no broker supports the API, so the caller can decide whether
 * that is fatal (idempotence asked for) or not (idempotence on by default).
 */
export async function initProducerId(cluster: Cluster): Promise<ProducerIdentity | null> {
  const conn = await cluster.anyConnection();
  if (!conn.supports(Apis.initProducerId)) return null;
  const response = await conn.request(
    Apis.initProducerId,
    InitProducerIdRequest.create({
      transactionalId: null,
      transactionTimeoutMs: 2147483647,
      producerId: -1n,
      producerEpoch: -1,
    }),
  );
  if (response.errorCode !== 0) throw kafkaError(response.errorCode, 'InitProducerId');
  return { producerId: response.producerId, producerEpoch: response.producerEpoch };
}
