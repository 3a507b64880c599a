import { ErrorCode, FindCoordinatorRequest, isKafkaError } from '@fluxo/protocol';
import { Apis } from '../connection/apis.js';
import type { Connection } from '../connection/connection.js';
import { kafkaError } from '../errors.js';
import { backoffMs, sleep } from './backoff.js';
import type { Cluster } from './cluster.js';

/** FindCoordinator key types. */
export const CoordinatorKeyType = { group: 0, transaction: 1 } as const;

export interface CoordinatorAddress {
  nodeId: number;
  host: string;
  port: number;
}

/** The first FindCoordinator version that takes a batch of keys (KIP-699). */
const BATCHED_VERSION = 4;

/** Errors that mean "ask again (perhaps elsewhere) after a pause". */
export function isCoordinatorError(code: number): boolean {
  return (
    code === ErrorCode.NOT_COORDINATOR ||
    code === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
    code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
  );
}

/**
 * Each key's coordinator: one batched FindCoordinator (v4+) when the broker
 * supports it, else one request per key. A key whose answer is an error maps to
 * that KafkaError; retriable errors are retried until `timeoutMs`.
 */
export async function findCoordinators(
  cluster: Cluster,
  keys: readonly string[],
  keyType: number,
  timeoutMs: number,
): Promise<Map<string, CoordinatorAddress | Error>> {
  const deadline = performance.now() + timeoutMs;
  const out = new Map<string, CoordinatorAddress | Error>();
  let pending = [...new Set(keys)];
  for (let attempt = 0; pending.length > 0; attempt++) {
    const conn = await cluster.anyConnection();
    const answers = await askOnce(conn, pending, keyType);
    const retry: string[] = [];
    for (const [key, answer] of answers) {
      if (answer instanceof Error && isKafkaError(answer) && answer.retriable && performance.now() < deadline) {
        retry.push(key);
      } else {
        out.set(key, answer);
      }
    }
    pending = retry;
    if (pending.length > 0) await sleep(backoffMs(attempt, cluster.config.retryBackoffMs, 1000));
  }
  return out;
}

export async function findCoordinator(
  cluster: Cluster,
  key: string,
  keyType: number,
  timeoutMs: number,
): Promise<CoordinatorAddress> {
  const answer = (await findCoordinators(cluster, [key], keyType, timeoutMs)).get(key)!;
  if (answer instanceof Error) throw answer;
  return answer;
}

async function askOnce(
  conn: Connection,
  keys: readonly string[],
  keyType: number,
): Promise<Map<string, CoordinatorAddress | Error>> {
  const out = new Map<string, CoordinatorAddress | Error>();
  if (conn.versionOf(Apis.findCoordinator) >= BATCHED_VERSION) {
    const response = await conn.request(
      Apis.findCoordinator,
      FindCoordinatorRequest.create({ keyType, coordinatorKeys: [...keys] }),
    );
    for (const c of response.coordinators) {
      out.set(
        c.key,
        c.errorCode !== 0
          ? kafkaError(c.errorCode, `FindCoordinator "${c.key}"`, c.errorMessage)
          : { nodeId: c.nodeId, host: c.host, port: c.port },
      );
    }
    for (const key of keys) {
      if (!out.has(key))
        out.set(key, kafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `FindCoordinator "${key}"`, 'no answer'));
    }
    return out;
  }
  for (const key of keys) {
    const r = await conn.request(Apis.findCoordinator, FindCoordinatorRequest.create({ key, keyType }));
    out.set(
      key,
      r.errorCode !== 0
        ? kafkaError(r.errorCode, `FindCoordinator "${key}"`, r.errorMessage)
        : { nodeId: r.nodeId, host: r.host, port: r.port },
    );
  }
  return out;
}
