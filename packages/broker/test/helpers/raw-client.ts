import { connect, type Socket } from 'node:net';
import {
  apiInfo,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';

/**
 * A minimal Kafka client over one socket for tests that need exact bytes:
 * encodes requests with the generated codecs, or sends raw frames, and
 * matches responses by correlation id (which also checks they come in order).
 */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: (() => void)[] = [];
  private nextCorrelationId = 1;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Encodes a request frame (size prefix included) without sending it. */
  encode(apiKey: number, version: number, body: object, correlationId = this.nextCorrelationId++): Buffer {
    const api = apiInfo(apiKey)!;
    const w = new Writer();
    w.writeInt32(0);
    RequestHeader.encode(
      w,
      { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId: 'raw-test' },
      requestHeaderVersion(apiKey, version),
    );
    api.request.encode(w, body, version);
    w.patchInt32(0, w.length - 4);
    return w.toBuffer();
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends one request and decodes its response. */
  async request<T>(apiKey: number, version: number, body: object): Promise<T> {
    this.send(this.encode(apiKey, version, body));
    return (await this.readResponse(apiKey, version)).body as T;
  }

  /** Reads the next response frame and decodes it as apiKey/version. */
  async readResponse(apiKey: number, version: number): Promise<{ correlationId: number; body: unknown }> {
    const frame = await this.nextFrame();
    const r = new Reader(frame);
    const header = ResponseHeader.decode(r, responseHeaderVersion(apiKey, version));
    const body = apiInfo(apiKey)!.response.decode(r, version);
    return { correlationId: header.correlationId, body };
  }

  async nextFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed');
      if (Date.now() > deadline) throw new Error('timed out waiting for a response');
      await this.waitForEvent(deadline - Date.now());
    }
    return this.frames.shift()!;
  }

  /** Resolves true when the broker closes the connection within the timeout. */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await this.waitForEvent(deadline - Date.now());
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }

  private waitForEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 1));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
