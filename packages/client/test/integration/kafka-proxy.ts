// Test helper: a TCP proxy between a client and a Fluxo broker that speaks
// enough of the Kafka protocol to misbehave on purpose, per Produce request:
// forward it; forward it and lose the answer (cutting the connection: the
// broker stored the batch, the client never hears); cut before forwarding;
// forward it and rewrite the answer to an error (stored, but the client is told
// otherwise); or answer an error itself without forwarding (not stored).
// Answers keep request order on each connection, as a broker's do. Metadata
// answers are rewritten so that every broker is this proxy: clients that
// bootstrap here stay here, others can talk to the broker directly.
// It also counts the requests a client has outstanding on each connection.
import { createServer, type Server, type Socket, connect } from 'node:net';
import {
  ApiKey,
  MetadataResponse,
  type ProduceRequest,
  ProduceRequest as ProduceRequestCodec,
  ProduceResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';

export type ProduceAction =
  | { kind: 'forward' }
  | { kind: 'lose-answer' }
  | { kind: 'cut' }
  | { kind: 'rewrite-answer'; errorCode: number }
  | { kind: 'answer'; errorCode: number };

export interface ProduceContext {
  /** Produce requests seen by the proxy so far (this one excluded), all connections. */
  index: number;
  request: ProduceRequest.ProduceRequestData;
}

export interface ProxyStats {
  connections: number;
  produceRequests: number;
  lostAnswers: number;
  cuts: number;
  rewritten: number;
  answered: number;
  /** Most requests (any API) a client had sent and not yet been answered, at once on one connection. */
  maxInFlight: number;
  /** The same for Produce requests alone. */
  maxProduceInFlight: number;
  /** Requests seen, by API key. */
  requests: Map<number, number>;
}

const FORWARD: ProduceAction = { kind: 'forward' };

interface Slot {
  /** Filled when the broker answered (or at once for the proxy's own answer). */
  frame: Buffer | null;
  /** performance.now() from which it may be passed on (answerDelayMs after it was filled). */
  readyAtMs: number;
  fromBroker: boolean;
  transform?: (frame: Buffer) => Buffer | null;
  isProduce: boolean;
}

/** Splits a byte stream into whole size-prefixed frames (prefix included). */
function framer(onFrame: (frame: Buffer) => boolean): (chunk: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  return (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const size = buffered.readInt32BE(0) + 4;
      if (buffered.length < size) return;
      const frame = buffered.subarray(0, size);
      buffered = buffered.subarray(size);
      if (!onFrame(frame)) return;
    }
  };
}

function responseFrame(correlationId: number, apiKey: number, version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(256);
  w.writeInt32(0);
  ResponseHeader.encode(w, ResponseHeader.create({ correlationId }), responseHeaderVersion(apiKey, version));
  write(w);
  w.patchInt32(0, w.length - 4);
  return w.toBuffer();
}

function produceErrorResponse(
  correlationId: number,
  version: number,
  request: ProduceRequest.ProduceRequestData,
  errorCode: number,
): Buffer {
  const data = ProduceResponse.create({
    responses: request.topicData.map((t) =>
      ProduceResponse.createTopicProduceResponse({
        name: t.name,
        partitionResponses: t.partitionData.map((p) =>
          ProduceResponse.createPartitionProduceResponse({
            index: p.index,
            errorCode,
            baseOffset: -1n,
            logAppendTimeMs: -1n,
            logStartOffset: -1n,
          }),
        ),
      }),
    ),
  });
  return responseFrame(correlationId, ApiKey.Produce, version, (w) => ProduceResponse.encode(w, data, version));
}

/** Rewrites every partition of a Produce answer to `errorCode`. */
function rewriteProduce(frame: Buffer, version: number, errorCode: number): Buffer {
  const r = new Reader(frame.subarray(4));
  const header = ResponseHeader.decode(r, responseHeaderVersion(ApiKey.Produce, version));
  const data = ProduceResponse.decode(r, version);
  for (const t of data.responses)
    for (const p of t.partitionResponses) {
      p.errorCode = errorCode;
      p.baseOffset = -1n;
    }
  return responseFrame(header.correlationId, ApiKey.Produce, version, (w) => ProduceResponse.encode(w, data, version));
}

function rewriteMetadata(
  frame: Buffer,
  version: number,
  port: number,
  edit: (data: MetadataResponse.MetadataResponseData) => void,
): Buffer {
  const r = new Reader(frame.subarray(4));
  const header = ResponseHeader.decode(r, responseHeaderVersion(ApiKey.Metadata, version));
  const data = MetadataResponse.decode(r, version);
  for (const b of data.brokers) {
    b.host = '127.0.0.1';
    b.port = port;
  }
  edit(data);
  return responseFrame(header.correlationId, ApiKey.Metadata, version, (w) =>
    MetadataResponse.encode(w, data, version),
  );
}

export class KafkaProxy {
  readonly stats: ProxyStats = {
    connections: 0,
    produceRequests: 0,
    lostAnswers: 0,
    cuts: 0,
    rewritten: 0,
    answered: 0,
    maxInFlight: 0,
    maxProduceInFlight: 0,
    requests: new Map(),
  };
  /** Decides per Produce request; set or replace it at any time (default: forward). */
  onProduce: (context: ProduceContext) => ProduceAction = () => FORWARD;
  /** Holds every answer this long before passing it on (in order), so requests pile up in flight. */
  answerDelayMs = 0;
  /** Edits a Metadata answer after its brokers were pointed at this proxy (e.g. to fake a leader change). */
  onMetadata: (data: MetadataResponse.MetadataResponseData) => void = () => {};
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private upstreamPort: number,
  ) {}

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  static start(upstreamPort: number): Promise<KafkaProxy> {
    return new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const proxy = new KafkaProxy(server, typeof address === 'object' && address ? address.port : 0, upstreamPort);
        server.on('connection', (s) => proxy.accept(s));
        resolve(proxy);
      });
    });
  }

  /** Points new connections at another broker port (after a restart on a new port). */
  forwardTo(port: number): void {
    this.upstreamPort = port;
  }

  /** Cuts every open connection (clients reconnect). */
  cutAll(): void {
    for (const s of this.sockets) s.destroy();
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const upstream = connect({ host: '127.0.0.1', port: this.upstreamPort });
    let closed = false;
    let flushTimer: NodeJS.Timeout | null = null;
    const cut = () => {
      if (closed) return;
      closed = true;
      // A held answer's timer must not outlive the connection: with a long
      // answerDelayMs it would keep the test process alive that long.
      if (flushTimer !== null) clearTimeout(flushTimer);
      flushTimer = null;
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.sockets.delete(s);
        cut();
      });
    }
    const slots: Slot[] = [];
    const flush = () => {
      const nowMs = performance.now();
      while (slots.length > 0 && slots[0]!.frame !== null && slots[0]!.readyAtMs <= nowMs) {
        client.write(slots.shift()!.frame!);
      }
      const head = slots[0];
      if (head?.frame != null && flushTimer === null && !closed) {
        flushTimer = setTimeout(
          () => {
            flushTimer = null;
            flush();
          },
          Math.max(1, Math.ceil(head.readyAtMs - nowMs)),
        );
      }
    };
    const push = (slot: Slot) => {
      slots.push(slot);
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, slots.length);
      const produce = slots.filter((s) => s.isProduce).length;
      this.stats.maxProduceInFlight = Math.max(this.stats.maxProduceInFlight, produce);
    };
    client.on(
      'data',
      framer((frame) => {
        if (closed) return false;
        const apiKey = frame.readInt16BE(4);
        const version = frame.readInt16BE(6);
        const correlationId = frame.readInt32BE(8);
        this.stats.requests.set(apiKey, (this.stats.requests.get(apiKey) ?? 0) + 1);
        if (apiKey !== ApiKey.Produce) {
          const transform =
            apiKey === ApiKey.Metadata
              ? (f: Buffer) => rewriteMetadata(f, version, this.port, this.onMetadata)
              : undefined;
          push({ frame: null, readyAtMs: 0, fromBroker: true, isProduce: false, transform });
          upstream.write(frame);
          return true;
        }
        const r = new Reader(frame.subarray(4));
        RequestHeader.decode(r, requestHeaderVersion(apiKey, version));
        const request = ProduceRequestCodec.decode(r, version);
        const action = this.onProduce({ index: this.stats.produceRequests++, request });
        const answered = request.acks !== 0;
        switch (action.kind) {
          case 'cut':
            this.stats.cuts++;
            cut();
            return false;
          case 'answer':
            this.stats.answered++;
            if (answered) {
              push({
                frame: produceErrorResponse(correlationId, version, request, action.errorCode),
                readyAtMs: performance.now() + this.answerDelayMs,
                fromBroker: false,
                isProduce: true,
              });
              flush();
            }
            return true;
          case 'lose-answer':
            if (answered) {
              push({
                frame: null,
                readyAtMs: 0,
                fromBroker: true,
                isProduce: true,
                transform: () => {
                  this.stats.lostAnswers++;
                  cut();
                  return null;
                },
              });
            }
            break;
          case 'rewrite-answer':
            if (answered) {
              push({
                frame: null,
                readyAtMs: 0,
                fromBroker: true,
                isProduce: true,
                transform: (f) => {
                  this.stats.rewritten++;
                  return rewriteProduce(f, version, action.errorCode);
                },
              });
            }
            break;
          default:
            if (answered) push({ frame: null, readyAtMs: 0, fromBroker: true, isProduce: true });
        }
        upstream.write(frame);
        return true;
      }),
    );
    upstream.on(
      'data',
      framer((frame) => {
        if (closed) return false;
        const slot = slots.find((s) => s.fromBroker && s.frame === null);
        if (slot === undefined) {
          cut(); // an answer nobody asked for: the test setup is wrong
          return false;
        }
        const out = slot.transform === undefined ? frame : slot.transform(frame);
        if (out === null) return false;
        slot.frame = out;
        slot.readyAtMs = performance.now() + this.answerDelayMs;
        flush();
        return true;
      }),
    );
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Who leads every partition in a two-node view; change it at any time (a staged leader change). */
export interface TwoNodeLeadership {
  leader: 1 | 2;
  leaderEpoch: number;
}

/**
 * Makes two proxies of one broker pose as nodes 1 and 2 of a cluster: Metadata
 * from either lists both (node 1 the controller), every partition led by
 * `leadership.leader` with both as replicas and in sync.
 */
export function actAsTwoNodes(node1: KafkaProxy, node2: KafkaProxy, leadership: TwoNodeLeadership): void {
  const view = (data: MetadataResponse.MetadataResponseData) => {
    data.brokers = [node1, node2].map((node, i) =>
      MetadataResponse.createMetadataResponseBroker({ nodeId: i + 1, host: '127.0.0.1', port: node.port }),
    );
    data.controllerId = 1;
    for (const tp of data.topics) {
      for (const p of tp.partitions) {
        p.leaderId = leadership.leader;
        p.leaderEpoch = leadership.leaderEpoch;
        p.replicaNodes = [1, 2];
        p.isrNodes = [1, 2];
      }
    }
  };
  node1.onMetadata = view;
  node2.onMetadata = view;
}
