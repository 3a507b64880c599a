import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  ApiKey,
  ApiVersionsResponse,
  MetadataRequest,
  MetadataResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';
import { Apis } from '../../src/connection/apis.js';
import { Connection, FrameDecoder } from '../../src/index.js';

interface Held {
  socket: Socket;
  correlationId: number;
  version: number;
}

/** A broker stand-in that answers ApiVersions and holds Metadata requests until told to answer. */
class FakeBroker {
  readonly held: Held[] = [];
  server: Server;
  constructor() {
    this.server = createServer((socket) => {
      const decoder = new FrameDecoder(1 << 20);
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) this.onRequest(socket, frame);
      });
      socket.on('error', () => {});
    });
  }
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }
  private onRequest(socket: Socket, frame: Buffer): void {
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const header = RequestHeader.decode(new Reader(frame), requestHeaderVersion(apiKey, version));
    if (apiKey === ApiKey.ApiVersions) {
      this.reply(socket, apiKey, version, header.correlationId, (w) =>
        ApiVersionsResponse.encode(
          w,
          ApiVersionsResponse.create({
            apiKeys: [
              { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
              { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 9 },
            ],
          }),
          version,
        ),
      );
    } else {
      this.held.push({ socket, correlationId: header.correlationId, version });
    }
  }
  reply(socket: Socket, apiKey: number, version: number, correlationId: number, body: (w: Writer) => void): void {
    const w = new Writer();
    w.writeInt32(0);
    ResponseHeader.encode(w, { correlationId }, responseHeaderVersion(apiKey, version));
    body(w);
    w.patchInt32(0, w.length - 4);
    socket.write(w.toBuffer());
  }
  answerMetadata(h: Held, clusterId: string): void {
    this.reply(h.socket, ApiKey.Metadata, h.version, h.correlationId, (w) =>
      MetadataResponse.encode(w, MetadataResponse.create({ clusterId }), h.version),
    );
  }
}

const options = (port: number, extra: Partial<Parameters<typeof Connection.open>[0]> = {}) => ({
  host: '127.0.0.1',
  port,
  clientId: 'test',
  requestTimeoutMs: 5000,
  connectTimeoutMs: 2000,
  maxInFlight: 2,
  frameBytesMax: 1 << 20,
  ...extra,
});

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Connection', () => {
  const broker = new FakeBroker();
  before(() => new Promise<void>((resolve) => broker.server.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => broker.server.close(() => resolve())));

  it('negotiates versions, keeps at most maxInFlight requests out, and matches answers given out of order', async () => {
    const conn = await Connection.open(options(broker.port));
    assert.equal(conn.versionOf(Apis.metadata), 9);
    const request = MetadataRequest.create({ topics: [] });
    const answers = [1, 2, 3].map(() => conn.request(Apis.metadata, request));
    await until(() => broker.held.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(broker.held.length, 2, 'the third request waits for a free slot');
    const [first, second] = broker.held.splice(0);
    broker.answerMetadata(second!, 'second');
    broker.answerMetadata(first!, 'first');
    await until(() => broker.held.length === 1);
    broker.answerMetadata(broker.held.shift()!, 'third');
    assert.deepEqual(
      (await Promise.all(answers)).map((a) => a.clusterId),
      ['first', 'second', 'third'],
    );
    conn.close();
  });

  it('fails a request with a retriable REQUEST_TIMED_OUT and closes the connection', async () => {
    const conn = await Connection.open(options(broker.port, { requestTimeoutMs: 100 }));
    const started = Date.now();
    await assert.rejects(conn.request(Apis.metadata, MetadataRequest.create({ topics: [] })), {
      name: 'REQUEST_TIMED_OUT',
      retriable: true,
    });
    assert.ok(Date.now() - started < 2000);
    assert.equal(conn.isOpen, false);
    broker.held.splice(0);
  });

  it('rejects an API the broker does not offer without sending it', async () => {
    const conn = await Connection.open(options(broker.port));
    assert.throws(() => conn.versionOf(Apis.produce), { name: 'UNSUPPORTED_VERSION' });
    conn.close();
  });

  it('reports a refused connection as a retriable NETWORK_EXCEPTION', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(Connection.open(options(port)), { name: 'NETWORK_EXCEPTION', retriable: true });
  });
});
