import { connect, type Socket } from 'node:net';
import {
  RequestHeader,
  Reader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';
import { ConnectionError, KafkaClientError, kafkaError, RequestTimeoutError } from '../errors.js';
import { ErrorCode } from '@fluxo/protocol';
import type { Api } from './api.js';
import { Apis } from './apis.js';
import { FrameDecoder } from './frame-decoder.js';
import { negotiateVersions } from './versions.js';

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId: string;
  /** request.timeout.ms */
  requestTimeoutMs: number;
  /** socket.connection.setup.timeout.ms */
  connectTimeoutMs: number;
  /** max.in.flight.requests.per.connection: requests beyond it wait their turn, in order. */
  maxInFlight: number;
  /** Largest response frame accepted (guards memory against a broken peer). */
  frameBytesMax: number;
}

interface InFlight {
  correlationId: number;
  api: Api<unknown, unknown>;
  version: number;
  deadline: number;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Queued {
  frame: Buffer[];
  entry: InFlight | null;
  resolveSent: () => void;
}

export interface RequestOptions {
  /** Forces a version instead of the negotiated one. */
  version?: number;
  /** Extra time beyond request.timeout.ms (e.g. a Fetch's max wait). */
  extraTimeoutMs?: number;
}

const CORRELATION_ID_MAX = 0x7fffffff;
const APIVERSIONS_VERSION_MAX = 3;

/**
 * One TCP connection to one broker: frames requests with a RequestHeader and a
 * correlation id, pipelines up to maxInFlight of them, matches responses, fails
 * requests that time out, and negotiates API versions once on open. A failed
 * connection rejects everything pending with a retriable ConnectionError; the
 * cluster layer opens a new one.
 */
export class Connection {
  versions: Map<number, number> = new Map();
  private readonly socket: Socket;
  private readonly decoder: FrameDecoder;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly waiting: Queued[] = [];
  private nextCorrelationId = 1;
  private closedError: Error | null = null;
  private uncorkScheduled = false;
  private sweeper: NodeJS.Timeout | null = null;
  private readonly closeListeners: ((err: Error) => void)[] = [];

  private constructor(
    readonly options: ConnectionOptions,
    socket: Socket,
  ) {
    this.socket = socket;
    this.decoder = new FrameDecoder(options.frameBytesMax);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(new ConnectionError(`${this.address}: ${err.message}`, { cause: err })));
    socket.on('close', () => this.fail(new ConnectionError(`${this.address}: connection closed`)));
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  get isOpen(): boolean {
    return this.closedError === null;
  }

  /** Opens the socket and negotiates API versions. */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const socket = await openSocket(options);
    const conn = new Connection(options, socket);
    try {
      await conn.negotiate();
    } catch (err) {
      conn.close();
      throw err;
    }
    return conn;
  }

  onClose(listener: (err: Error) => void): void {
    this.closeListeners.push(listener);
  }

  /** The negotiated version of an API, or a clear error when the broker does not support it. */
  versionOf(api: Api<unknown, unknown>): number {
    const version = this.versions.get(api.apiKey);
    if (version === undefined) {
      throw new KafkaClientError(
        'UNSUPPORTED_VERSION',
        ErrorCode.UNSUPPORTED_VERSION,
        false,
        `broker ${this.address} does not support ${api.name} at any version this client knows`,
      );
    }
    return version;
  }

  supports(api: Api<unknown, unknown>): boolean {
    return this.versions.has(api.apiKey);
  }

  request<Q, R>(api: Api<Q, R>, data: Q, options: RequestOptions = {}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.enqueue(api as Api<unknown, unknown>, data, options, { resolve: resolve as (v: unknown) => void, reject });
    });
  }

  /** Sends a request that gets no response (Produce with acks=0); resolves once written to the socket. */
  sendNoResponse<Q>(api: Api<Q, unknown>, data: Q, options: RequestOptions = {}): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.enqueue(api as Api<unknown, unknown>, data, options, null, resolve, reject);
    });
  }

  close(): void {
    this.fail(new ConnectionError(`${this.address}: connection closed by the client`));
  }

  private enqueue(
    api: Api<unknown, unknown>,
    data: unknown,
    options: RequestOptions,
    callbacks: { resolve(v: unknown): void; reject(e: Error): void } | null,
    resolveSent: () => void = () => {},
    rejectSent: (e: Error) => void = () => {},
  ): void {
    if (this.closedError !== null) {
      (callbacks?.reject ?? rejectSent)(this.closedError);
      return;
    }
    let version: number;
    let frame: Buffer[];
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = correlationId >= CORRELATION_ID_MAX ? 1 : correlationId + 1;
    try {
      version = options.version ?? this.versionOf(api);
      frame = encodeFrame(api, data, version, correlationId, this.options.clientId);
    } catch (err) {
      (callbacks?.reject ?? rejectSent)(err as Error);
      return;
    }
    const entry: InFlight | null =
      callbacks === null
        ? null
        : {
            correlationId,
            api,
            version,
            deadline: 0,
            resolve: callbacks.resolve,
            reject: callbacks.reject,
          };
    if (entry !== null) entry.deadline = this.options.requestTimeoutMs + (options.extraTimeoutMs ?? 0);
    this.waiting.push({ frame, entry, resolveSent });
    this.pump();
  }

  /** Writes waiting requests while in-flight slots are free. */
  private pump(): void {
    while (this.waiting.length > 0 && this.inFlight.size < this.options.maxInFlight && this.closedError === null) {
      const next = this.waiting.shift()!;
      if (next.entry !== null) {
        next.entry.deadline += performance.now();
        this.inFlight.set(next.entry.correlationId, next.entry);
        this.ensureSweeper();
      }
      // A request without a response counts as sent once the socket has taken its bytes.
      this.write(next.frame, next.entry === null ? next.resolveSent : undefined);
    }
  }

  /** Coalesces all writes of one tick into one syscall (cork until the next tick). */
  private write(pieces: Buffer[], onWritten?: () => void): void {
    if (!this.uncorkScheduled) {
      this.uncorkScheduled = true;
      this.socket.cork();
      process.nextTick(() => {
        this.uncorkScheduled = false;
        this.socket.uncork();
      });
    }
    const last = pieces.length - 1;
    for (let i = 0; i < last; i++) this.socket.write(pieces[i]!);
    this.socket.write(pieces[last]!, onWritten === undefined ? undefined : () => onWritten());
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.fail(new ConnectionError(`${this.address}: ${(err as Error).message}`));
      return;
    }
    for (const frame of frames) this.onFrame(frame);
    this.pump();
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const entry = this.inFlight.get(correlationId);
    if (entry === undefined) return; // timed out already; the late answer is dropped
    this.inFlight.delete(correlationId);
    try {
      const reader = new Reader(frame);
      ResponseHeader.decode(reader, responseHeaderVersion(entry.api.apiKey, entry.version));
      entry.resolve(entry.api.response.decode(reader, entry.version));
    } catch (err) {
      entry.reject(
        new KafkaClientError('CORRUPT_MESSAGE', ErrorCode.CORRUPT_MESSAGE, false, `${entry.api.name} response: ${err}`),
      );
    }
  }

  private ensureSweeper(): void {
    if (this.sweeper !== null) return;
    const periodMs = Math.max(10, Math.min(250, Math.floor(this.options.requestTimeoutMs / 10)));
    this.sweeper = setInterval(() => this.sweep(), periodMs);
    this.sweeper.unref();
  }

  /** Fails requests past their deadline; Kafka's clients then close the connection, and so do we. */
  private sweep(): void {
    if (this.inFlight.size === 0) {
      clearInterval(this.sweeper!);
      this.sweeper = null;
      return;
    }
    const now = performance.now();
    for (const entry of this.inFlight.values()) {
      if (entry.deadline <= now) {
        this.fail(
          new RequestTimeoutError(
            `${entry.api.name} request to ${this.address} timed out after ${this.options.requestTimeoutMs} ms`,
          ),
        );
        return;
      }
    }
  }

  private fail(err: Error): void {
    if (this.closedError !== null) return;
    this.closedError = err;
    if (this.sweeper !== null) clearInterval(this.sweeper);
    this.sweeper = null;
    this.socket.destroy();
    const pending = [...this.inFlight.values()];
    this.inFlight.clear();
    const waiting = this.waiting.splice(0);
    for (const entry of pending) entry.reject(err);
    for (const queued of waiting) queued.entry?.reject(err);
    for (const listener of this.closeListeners) listener(err);
  }

  private async negotiate(): Promise<void> {
    let version = APIVERSIONS_VERSION_MAX;
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await this.request(
        Apis.apiVersions,
        { clientSoftwareName: 'fluxo-client', clientSoftwareVersion: '0.1.0' },
        { version },
      );
      if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
        // The broker answers with the versions it supports; retry at its highest ApiVersions version.
        const theirs = response.apiKeys.find((k) => k.apiKey === Apis.apiVersions.apiKey);
        version = Math.min(APIVERSIONS_VERSION_MAX, theirs?.maxVersion ?? 0);
        continue;
      }
      if (response.errorCode !== 0) throw kafkaError(response.errorCode, `ApiVersions to ${this.address}`);
      this.versions = negotiateVersions(response.apiKeys);
      return;
    }
    throw kafkaError(ErrorCode.UNSUPPORTED_VERSION, `ApiVersions to ${this.address}`);
  }
}

function encodeFrame(
  api: Api<unknown, unknown>,
  data: unknown,
  version: number,
  correlationId: number,
  clientId: string,
): Buffer[] {
  const w = new Writer(256);
  w.writeInt32(0); // size, patched below
  RequestHeader.encode(
    w,
    { requestApiKey: api.apiKey, requestApiVersion: version, correlationId, clientId },
    requestHeaderVersion(api.apiKey, version),
  );
  api.request.encode(w, data, version);
  w.patchInt32(0, w.length - 4);
  return w.chunks();
}

function openSocket(options: ConnectionOptions): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ConnectionError(
          `${options.host}:${options.port}: connection timed out after ${options.connectTimeoutMs} ms`,
        ),
      );
    }, options.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new ConnectionError(`${options.host}:${options.port}: ${err.message}`, { cause: err }));
    });
  });
}
