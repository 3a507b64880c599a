import {
  BeginQuorumEpochRequest,
  BeginQuorumEpochResponse,
  EndQuorumEpochRequest,
  EndQuorumEpochResponse,
  FetchRequest,
  FetchResponse,
  FetchSnapshotRequest,
  FetchSnapshotResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  VoteRequest,
  VoteResponse,
  Writer,
} from '@fluxo/protocol';
import type { RaftMessage, RaftRequest, RaftResponse } from '../core/index.js';
import {
  API,
  fromKafkaRequest,
  fromKafkaResponse,
  type KafkaRequest,
  type KafkaResponse,
  toKafkaRequest,
  toKafkaResponse,
} from './kafka-messages.js';

type ApiName = keyof typeof API;

// biome-ignore lint/suspicious/noExplicitAny: one table over the five generated codec namespaces
type Codec = { encode(w: Writer, m: any, v: number): void; decode(r: Reader, v: number): any };
const CODECS: Record<ApiName, { request: Codec; response: Codec }> = {
  vote: { request: VoteRequest, response: VoteResponse },
  beginQuorumEpoch: { request: BeginQuorumEpochRequest, response: BeginQuorumEpochResponse },
  endQuorumEpoch: { request: EndQuorumEpochRequest, response: EndQuorumEpochResponse },
  fetch: { request: FetchRequest, response: FetchResponse },
  fetchSnapshot: { request: FetchSnapshotRequest, response: FetchSnapshotResponse },
};

export function apiOfKey(apiKey: number): ApiName | undefined {
  return (Object.keys(API) as ApiName[]).find((name) => API[name].key === apiKey);
}

/** A request frame: int32 size, request header, body (Kafka framing). */
export function encodeRequestFrame(m: RaftRequest, clientId: string): Buffer {
  const k = toKafkaRequest(m);
  const { key, version } = API[k.api];
  const w = new Writer();
  w.writeInt32(0);
  const header = RequestHeader.create({
    requestApiKey: key,
    requestApiVersion: version,
    correlationId: m.correlation,
    clientId,
  });
  RequestHeader.encode(w, header, requestHeaderVersion(key, version));
  CODECS[k.api].request.encode(w, k.data, version);
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

export interface DecodedRequest {
  readonly request: RaftRequest;
  readonly api: ApiName;
  readonly correlationId: number;
}

/** Decodes a request frame without its size prefix; `self` is the receiving node. */
export function decodeRequestFrame(frame: Buffer, self: number): DecodedRequest {
  const r = new Reader(frame);
  const apiKey = frame.readInt16BE(0);
  const version = frame.readInt16BE(2);
  const api = apiOfKey(apiKey);
  if (api === undefined || version !== API[api].version) throw new Error(`unsupported api ${apiKey} v${version}`);
  const header = RequestHeader.decode(r, requestHeaderVersion(apiKey, version));
  const data = CODECS[api].request.decode(r, version);
  if (r.remaining !== 0) throw new Error('trailing bytes after the request body');
  const request = fromKafkaRequest({ api, data } as KafkaRequest, header.correlationId, self);
  return { request, api, correlationId: header.correlationId };
}

export function encodeResponseFrame(m: RaftResponse, api: ApiName): Buffer {
  const k = toKafkaResponse(m, api);
  const { key, version } = API[k.api];
  const w = new Writer();
  w.writeInt32(0);
  ResponseHeader.encode(
    w,
    ResponseHeader.create({ correlationId: m.correlation }),
    responseHeaderVersion(key, version),
  );
  CODECS[k.api].response.encode(w, k.data, version);
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

/** The correlation id of a response frame (without size prefix), to find its request. */
export function responseCorrelationId(frame: Buffer): number {
  return frame.readInt32BE(0);
}

export function apiOfRequest(m: RaftRequest): ApiName {
  return m.kind;
}

export function decodeResponseFrame(frame: Buffer, request: RaftRequest): RaftResponse {
  const api = apiOfRequest(request);
  const { key, version } = API[api];
  const r = new Reader(frame);
  ResponseHeader.decode(r, responseHeaderVersion(key, version));
  const data = CODECS[api].response.decode(r, version);
  if (r.remaining !== 0) throw new Error('trailing bytes after the response body');
  return fromKafkaResponse({ api, data } as KafkaResponse, request);
}

/**
 * Encodes a message as the Kafka frame it would travel in and decodes it back: the
 * simulator's --wire mode runs every message through this to prove the mapping.
 */
export function wireRoundTrip(m: RaftMessage): RaftMessage {
  if (
    m.kind === 'vote' ||
    m.kind === 'beginQuorumEpoch' ||
    m.kind === 'endQuorumEpoch' ||
    m.kind === 'fetch' ||
    m.kind === 'fetchSnapshot'
  ) {
    const frame = encodeRequestFrame(m, `raft-${m.from}`);
    return decodeRequestFrame(frame.subarray(4), m.to).request;
  }
  const request = requestFor(m);
  const frame = encodeResponseFrame(m, apiOfRequest(request));
  return decodeResponseFrame(frame.subarray(4), request);
}

/** The shape of the request a response answers, enough for decoding (tests and --wire only). */
function requestFor(m: RaftResponse): RaftRequest {
  const base = { from: m.to, to: m.from, correlation: m.correlation };
  switch (m.kind) {
    case 'voteResponse':
      return { ...base, kind: 'vote', candidateEpoch: 0, lastOffsetEpoch: 0, lastOffset: 0, preVote: m.preVote };
    case 'quorumEpochResponse':
      return { ...base, kind: 'beginQuorumEpoch', leaderEpoch: 0 };
    case 'fetchResponse':
      return {
        ...base,
        kind: 'fetch',
        currentLeaderEpoch: 0,
        fetchOffset: m.baseOffset,
        lastFetchedEpoch: 0,
        maxWaitMs: 0,
      };
    case 'fetchSnapshotResponse':
      return { ...base, kind: 'fetchSnapshot', currentLeaderEpoch: 0, snapshotId: m.snapshotId, position: m.position };
  }
}
