import type { BrokerServices } from '../services.js';

/** What a handler knows about the request besides its body. */
export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** Unique per connection for the broker's lifetime. */
  readonly connectionId: number;
  readonly remoteAddress: string;
}

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no response');
/**
 * Returned by a handler whose client must be told of a failure it gets no
 * answer for: Kafka closes the connection when an acks=0 produce fails, so the
 * producer refreshes its metadata.
 */
export const CLOSE_CONNECTION: unique symbol = Symbol('close connection');
export type HandlerOutcome = object | typeof NO_RESPONSE | typeof CLOSE_CONNECTION;

/**
 * One handler per API key (handlers/NN-name.ts). The network layer decodes the
 * request with the generated codec, calls `handle`, and encodes what it returns
 * at the same version. A handler never throws for a client's mistake: Kafka
 * error codes go in the response.
 */
export interface ApiHandler {
  readonly apiKey: number;
  /** Versions served; ApiVersions advertises exactly these. */
  readonly minVersion: number;
  readonly maxVersion: number;
  // biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own request type
  handle(ctx: RequestContext, request: any, broker: BrokerServices): HandlerOutcome | Promise<HandlerOutcome>;
}
