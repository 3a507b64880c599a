/**
 * Kafka error codes the broker answers with: Kafka's own table, generated from
 * Apache Kafka's Errors enum, lives in @fluxo/protocol. A client's mistake is one
 * of these in the response, never a throw.
 */
export { ErrorCode, type ErrorCodeName } from '@fluxo/protocol';
import type { ErrorCode } from '@fluxo/protocol';
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];
