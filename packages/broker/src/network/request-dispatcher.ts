import {
  type ApiInfo,
  ApiKey,
  ApiVersionsResponse,
  apiInfo,
  ProtocolDecodeError,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { CLOSE_CONNECTION, type HandlerOutcome, NO_RESPONSE, type RequestContext } from '../handlers/handler.js';
import type { HandlerTable } from '../handlers/handler-table.js';
import type { Logger } from '../log/logger.js';
import type { BrokerServices } from '../services.js';

/** What the connection does with one request. */
export type DispatchOutcome =
  | { kind: 'response'; chunks: Buffer[]; bytes: number }
  | { kind: 'none' }
  | { kind: 'close'; reason: string };

export interface ConnectionInfo {
  readonly connectionId: number;
  readonly remoteAddress: string;
}

/** apiKey + apiVersion + correlationId: the bytes every request header starts with. */
const HEADER_PREFIX_BYTES = 8;

/**
 * Turns one request frame into a response: header decode, version checks,
 * body decode with the generated codec, the handler, response encode. Client
 * mistakes Kafka answers become error responses; the ones Kafka answers by
 * closing (unknown API key, malformed bytes) become `close`. A throwing
 * handler is a bug: logged, answered with UNKNOWN_SERVER_ERROR where the
 * response has a top-level error code, else the connection is closed.
 */
export class RequestDispatcher {
  constructor(
    private readonly handlers: HandlerTable,
    private readonly services: BrokerServices,
    private readonly logger: Logger,
  ) {}

  dispatch(frame: Buffer, conn: ConnectionInfo): DispatchOutcome | Promise<DispatchOutcome> {
    if (frame.length < HEADER_PREFIX_BYTES) return close(`request of ${frame.length} bytes has no header`);
    const apiKey = frame.readInt16BE(0);
    const apiVersion = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const api = apiInfo(apiKey);
    const handler = this.handlers.get(apiKey);
    if (api === undefined || handler === undefined) return close(`unknown or unserved api key ${apiKey}`);

    const reader = new Reader(frame);
    let clientId: string | null;
    try {
      clientId = RequestHeader.decode(reader, requestHeaderVersion(apiKey, apiVersion)).clientId;
    } catch (err) {
      return close(`malformed request header: ${(err as Error).message}`);
    }
    if (apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
      return this.unsupportedVersion(api, apiVersion, correlationId);
    }
    let request: unknown;
    try {
      request = api.request.decode(reader, apiVersion);
    } catch (err) {
      if (err instanceof ProtocolDecodeError) return close(`malformed ${api.name} v${apiVersion}: ${err.message}`);
      throw err;
    }
    const ctx: RequestContext = { apiKey, apiVersion, correlationId, clientId, ...conn };
    let outcome: HandlerOutcome | Promise<HandlerOutcome>;
    try {
      outcome = handler.handle(ctx, request, this.services);
    } catch (err) {
      return this.handlerFailed(api, ctx, err);
    }
    if (outcome instanceof Promise) {
      return outcome.then(
        (body) => this.encode(api, ctx, body),
        (err: unknown) => this.handlerFailed(api, ctx, err),
      );
    }
    return this.encode(api, ctx, outcome);
  }

  private encode(api: ApiInfo, ctx: RequestContext, body: HandlerOutcome): DispatchOutcome {
    if (body === NO_RESPONSE) return { kind: 'none' };
    if (body === CLOSE_CONNECTION) return close(`${api.name} failed and the client expects no answer`);
    try {
      return encodeResponse(api, ctx.apiVersion, ctx.correlationId, body);
    } catch (err) {
      this.logger.error('response encode failed', { api: api.name, version: ctx.apiVersion, err: String(err) });
      return close('response could not be encoded');
    }
  }

  private handlerFailed(api: ApiInfo, ctx: RequestContext, err: unknown): DispatchOutcome {
    this.logger.error('handler failed', {
      api: api.name,
      version: ctx.apiVersion,
      connection: ctx.connectionId,
      err: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
    const body = topLevelErrorResponse(api, ErrorCode.UNKNOWN_SERVER_ERROR);
    return body === undefined ? close('handler failed') : this.encode(api, ctx, body);
  }

  private unsupportedVersion(api: ApiInfo, version: number, correlationId: number): DispatchOutcome {
    if (api.apiKey === ApiKey.ApiVersions) {
      // KIP-511: answer a too-new ApiVersions with v0 carrying the error and our ranges.
      const body = ApiVersionsResponse.create({
        errorCode: ErrorCode.UNSUPPORTED_VERSION,
        apiKeys: this.handlers.versions().map((v) => ApiVersionsResponse.createApiVersion(v)),
      });
      return encodeResponse(api, 0, correlationId, body);
    }
    // Kafka closes here; where the response has a top-level error code and the
    // codec knows the version, the client gets UNSUPPORTED_VERSION instead.
    const body = topLevelErrorResponse(api, ErrorCode.UNSUPPORTED_VERSION);
    if (body === undefined || version < api.lowestVersion || version > api.highestVersion) {
      return close(`unsupported ${api.name} version ${version}`);
    }
    return encodeResponse(api, version, correlationId, body);
  }
}

function close(reason: string): DispatchOutcome {
  return { kind: 'close', reason };
}

function topLevelErrorResponse(api: ApiInfo, errorCode: number): object | undefined {
  const body = api.response.create() as Record<string, unknown>;
  if (!('errorCode' in body)) return undefined;
  body.errorCode = errorCode;
  return body;
}

/** Size prefix, response header and body, as the Writer's pieces (records stay referenced). */
export function encodeResponse(
  api: ApiInfo,
  version: number,
  correlationId: number,
  body: object,
): DispatchOutcome & { kind: 'response' } {
  const w = new Writer();
  w.writeInt32(0);
  ResponseHeader.encode(w, { correlationId }, responseHeaderVersion(api.apiKey, version));
  api.response.encode(w, body, version);
  const bytes = w.length;
  w.patchInt32(0, bytes - 4);
  return { kind: 'response', chunks: w.chunks(), bytes };
}
