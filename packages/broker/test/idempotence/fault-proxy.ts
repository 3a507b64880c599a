// Test helper: a TCP proxy between a real Kafka client and the broker that
// injects network faults from one seed. It reads whole request frames so it
// can choose, per request, to (a) forward it and then swallow its response and
// cut the connection (the broker acted, the client never hears: the retry
// must be deduplicated), or (b) cut the connection before forwarding it.
import { createServer, type Server, type Socket, connect } from 'node:net';
import { SeededRandom } from '@fluxo/core';

export interface FaultProxyOptions {
  readonly seed: number;
  /** Chance per faulty request that its response is swallowed and the connection cut. */
  readonly dropResponseProbability: number;
  /** Chance per faulty request that the connection is cut before it is forwarded. */
  readonly cutProbability: number;
  /** API keys faults apply to (default: all). */
  readonly faultyApiKeys?: ReadonlySet<number>;
  /** No faults after this many (the run must end: the fault-free phase). */
  readonly faultsMax: number;
}

export interface FaultStats {
  connections: number;
  requests: number;
  droppedResponses: number;
  cuts: number;
}

/** Splits a byte stream into Kafka frames (int32 size prefix), calling `onFrame` with each whole frame, prefix included. */
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

export class FaultProxy {
  readonly stats: FaultStats = { connections: 0, requests: 0, droppedResponses: 0, cuts: 0 };
  private upstreamPort = 0;
  private readonly random: SeededRandom;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: FaultProxyOptions,
  ) {
    this.random = new SeededRandom(options.seed);
  }

  /** Listens first, so the broker can advertise this port; `forwardTo` names the broker later. */
  static start(options: FaultProxyOptions): Promise<FaultProxy> {
    return new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const proxy = new FaultProxy(server, typeof address === 'object' && address ? address.port : 0, options);
        server.on('connection', (s) => proxy.accept(s));
        resolve(proxy);
      });
    });
  }

  forwardTo(port: number): void {
    this.upstreamPort = port;
  }

  private get faults(): number {
    return this.stats.droppedResponses + this.stats.cuts;
  }

  private accept(client: Socket): void {
    this.stats.connections++;
    const upstream = connect({ host: '127.0.0.1', port: this.upstreamPort });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        this.sockets.delete(s);
        cut();
      });
    }
    let cutDone = false;
    const cut = () => {
      if (cutDone) return;
      cutDone = true;
      client.destroy();
      upstream.destroy();
    };
    let sent = 0;
    let answered = 0;
    const doomed = new Set<number>();
    client.on(
      'data',
      framer((frame) => {
        if (cutDone) return false;
        const index = sent++;
        this.stats.requests++;
        const apiKey = frame.readInt16BE(4);
        const eligible = this.faults < this.options.faultsMax && (this.options.faultyApiKeys?.has(apiKey) ?? true);
        if (eligible) {
          const r = this.random.next();
          if (r < this.options.cutProbability) {
            this.stats.cuts++;
            cut();
            return false;
          }
          if (r < this.options.cutProbability + this.options.dropResponseProbability) doomed.add(index);
        }
        upstream.write(frame);
        return true;
      }),
    );
    upstream.on(
      'data',
      framer((frame) => {
        if (cutDone) return false;
        const index = answered++;
        if (doomed.has(index)) {
          this.stats.droppedResponses++;
          cut();
          return false;
        }
        client.write(frame);
        return true;
      }),
    );
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
