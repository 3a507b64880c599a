import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ApiKey,
  type ApiVersionsResponse,
  CreateTopicsRequest,
  MetadataRequest,
  type DescribeClusterRequest,
  DescribeClusterResponse,
  type DescribeLogDirsResponse,
} from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { apiVersionsHandler } from '../../src/handlers/18-api-versions.js';
import type { ApiHandler } from '../../src/handlers/handler.js';
import { HandlerTable } from '../../src/handlers/handler-table.js';
import { silentLogger } from '../../src/log/logger.js';
import { RequestDispatcher } from '../../src/network/request-dispatcher.js';
import { SocketServer } from '../../src/network/socket-server.js';
import type { BrokerServices } from '../../src/services.js';
import { RawClient } from '../helpers/raw-client.js';

// Test handlers exercise the network layer alone: one answers after a delay
// chosen by the request (to finish out of order), one always throws.
const delayedEcho: ApiHandler = {
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx, request: DescribeClusterRequest.DescribeClusterRequestData) {
    await new Promise((r) => setTimeout(r, request.endpointType * 25));
    return DescribeClusterResponse.create({ clusterId: `c${ctx.correlationId}`, endpointType: request.endpointType });
  },
};
const throwsWithTopLevelError: ApiHandler = {
  apiKey: ApiKey.DescribeLogDirs,
  minVersion: 0,
  maxVersion: 3,
  handle() {
    throw new Error('bug in handler');
  },
};
const throwsWithoutTopLevelError: ApiHandler = {
  apiKey: ApiKey.CreateTopics,
  minVersion: 0,
  maxVersion: 7,
  handle() {
    throw new Error('bug in handler');
  },
};

let server: SocketServer;
let port: number;
const FRAME_MAX = 10_000;

before(async () => {
  const table: HandlerTable = new HandlerTable([
    delayedEcho,
    throwsWithTopLevelError,
    throwsWithoutTopLevelError,
    apiVersionsHandler(() => table),
  ]);
  const dispatcher = new RequestDispatcher(table, {} as BrokerServices, silentLogger);
  server = new SocketServer(
    {
      host: '127.0.0.1',
      port: 0,
      connectionsMax: 5,
      connectionsPerIpMax: 5,
      frameSizeMaxBytes: FRAME_MAX,
      inFlightRequestsMax: 100,
      unsentResponseBytesMax: 1 << 20,
      idleTimeoutMs: 0,
    },
    dispatcher,
    silentLogger,
  );
  port = await server.listen();
});
after(() => server.shutdown());

async function stillServes(): Promise<void> {
  const c = await RawClient.open('127.0.0.1', port);
  const r = await c.request<ApiVersionsResponse.ApiVersionsResponseData>(ApiKey.ApiVersions, 3, {
    clientSoftwareName: 'test',
    clientSoftwareVersion: '1',
  });
  assert.equal(r.errorCode, 0);
  c.close();
}

describe('connection', () => {
  it('answers pipelined requests in order even when handlers finish out of order', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    const delays = [4, 0, 2, 1, 0];
    c.send(Buffer.concat(delays.map((d, i) => c.encode(ApiKey.DescribeCluster, 1, { endpointType: d }, 100 + i))));
    for (let i = 0; i < delays.length; i++) {
      const { correlationId, body } = await c.readResponse(ApiKey.DescribeCluster, 1);
      assert.equal(correlationId, 100 + i);
      assert.equal((body as DescribeClusterResponse.DescribeClusterResponseData).clusterId, `c${100 + i}`);
    }
    c.close();
  });

  it('advertises exactly the registered handlers', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    const r = await c.request<ApiVersionsResponse.ApiVersionsResponseData>(ApiKey.ApiVersions, 0, {});
    assert.deepEqual(
      r.apiKeys.map((k) => [k.apiKey, k.minVersion, k.maxVersion]),
      [
        [ApiKey.ApiVersions, 0, 4],
        [ApiKey.CreateTopics, 0, 7],
        [ApiKey.DescribeLogDirs, 0, 3],
        [ApiKey.DescribeCluster, 0, 1],
      ],
    );
    c.close();
  });

  it('answers a too-new ApiVersions with a v0 UNSUPPORTED_VERSION listing the ranges (KIP-511)', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    // v9 does not exist; the header is flexible (v2) as a newer client would send it.
    const frame = c.encode(ApiKey.ApiVersions, 4, { clientSoftwareName: 'x', clientSoftwareVersion: '1' });
    frame.writeInt16BE(9, 6);
    c.send(frame);
    const { body } = await c.readResponse(ApiKey.ApiVersions, 0);
    const r = body as ApiVersionsResponse.ApiVersionsResponseData;
    assert.equal(r.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.ok(r.apiKeys.some((k) => k.apiKey === ApiKey.ApiVersions && k.maxVersion === 4));
    c.close();
  });

  const closes: [string, (c: RawClient) => Buffer][] = [
    ['an unknown api key', (c) => patchKey(c.encode(ApiKey.ApiVersions, 0, {}), 999)],
    [
      'an api key with no handler',
      (c) => c.encode(ApiKey.Metadata, 1, MetadataRequest.create({ topics: null, allowAutoTopicCreation: true })),
    ],
    ['an oversized frame', () => sizeOnly(FRAME_MAX + 1)],
    ['a truncated body', (c) => truncate(c.encode(ApiKey.DescribeCluster, 1, { endpointType: 1 }), 1)],
    ['a frame too short for a header', () => Buffer.from([0, 0, 0, 3, 0, 18, 0])],
    [
      'a handler bug where the response has no top-level error',
      (c) => c.encode(ApiKey.CreateTopics, 5, CreateTopicsRequest.create()),
    ],
  ];
  for (const [name, makeFrame] of closes) {
    it(`closes the connection on ${name} and keeps serving others`, async () => {
      const c = await RawClient.open('127.0.0.1', port);
      c.send(makeFrame(c));
      assert.equal(await c.waitClosed(), true);
      await stillServes();
    });
  }

  it('answers UNKNOWN_SERVER_ERROR when a handler throws and the response has a top-level error', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    const r = await c.request<DescribeLogDirsResponse.DescribeLogDirsResponseData>(ApiKey.DescribeLogDirs, 3, {
      topics: null,
    });
    assert.equal(r.errorCode, ErrorCode.UNKNOWN_SERVER_ERROR);
    c.close();
  });

  it('answers UNSUPPORTED_VERSION for a version outside the handler range when the response allows', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    const r = await c.request<DescribeLogDirsResponse.DescribeLogDirsResponseData>(ApiKey.DescribeLogDirs, 4, {
      topics: null,
    });
    assert.equal(r.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    c.close();
  });

  it('closes on a version its codec does not know', async () => {
    const c = await RawClient.open('127.0.0.1', port);
    const frame = c.encode(ApiKey.DescribeCluster, 1, { endpointType: 0 });
    frame.writeInt16BE(2, 6);
    c.send(frame);
    assert.equal(await c.waitClosed(), true, 'v2 is beyond the codec: Kafka closes');
    await stillServes();
  });

  it('refuses connections over max.connections (5 here, from any address)', async () => {
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => RawClient.open('127.0.0.1', port)));
    await new Promise((r) => setTimeout(r, 50));
    const extra = await RawClient.open('127.0.0.1', port);
    assert.equal(await extra.waitClosed(), true);
    for (const c of clients) c.close();
    // The server frees the slots when it sees the closes; allow it time on a loaded machine.
    const deadline = Date.now() + 3000;
    while (server.connectionCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await stillServes();
  });
});

function patchKey(frame: Buffer, apiKey: number): Buffer {
  frame.writeInt16BE(apiKey, 4);
  return frame;
}

function sizeOnly(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size, 0);
  return b;
}

/** Drops `bytes` from the end of the body and fixes the size prefix. */
function truncate(frame: Buffer, bytes: number): Buffer {
  const out = frame.subarray(0, frame.length - bytes);
  out.writeInt32BE(out.length - 4, 0);
  return out;
}
