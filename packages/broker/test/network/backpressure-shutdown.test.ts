import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKey, DescribeClusterResponse } from '@fluxo/protocol';
import type { ApiHandler } from '../../src/handlers/handler.js';
import { HandlerTable } from '../../src/handlers/handler-table.js';
import { silentLogger } from '../../src/log/logger.js';
import { RequestDispatcher } from '../../src/network/request-dispatcher.js';
import { SocketServer } from '../../src/network/socket-server.js';
import type { BrokerServices } from '../../src/services.js';
import { RawClient } from '../helpers/raw-client.js';

/** A handler that holds every request until the test opens the gate, counting how many it was given. */
function gatedHandler() {
  let open: () => void = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const state = { started: 0, open: () => open() };
  const handler: ApiHandler = {
    apiKey: ApiKey.DescribeCluster,
    minVersion: 0,
    maxVersion: 1,
    async handle(ctx) {
      state.started++;
      await gate;
      return DescribeClusterResponse.create({ clusterId: `c${ctx.correlationId}` });
    },
  };
  return { handler, state };
}

async function serve(
  handler: ApiHandler,
  inFlightRequestsMax: number,
  idleTimeoutMs = 0,
  connectionsPerIpMax = 10,
): Promise<{ server: SocketServer; port: number }> {
  const dispatcher = new RequestDispatcher(new HandlerTable([handler]), {} as BrokerServices, silentLogger);
  const server = new SocketServer(
    {
      host: '127.0.0.1',
      port: 0,
      connectionsMax: 10,
      connectionsPerIpMax,
      frameSizeMaxBytes: 1 << 20,
      inFlightRequestsMax,
      unsentResponseBytesMax: 1 << 20,
      idleTimeoutMs,
    },
    dispatcher,
    silentLogger,
  );
  return { server, port: await server.listen() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('back-pressure and graceful shutdown', () => {
  it('closes a connection over max.connections.per.ip and accepts again once one leaves', async () => {
    const { handler } = gatedHandler();
    const { server, port } = await serve(handler, 10, 0, 2);
    const a = await RawClient.open('127.0.0.1', port);
    const b = await RawClient.open('127.0.0.1', port);
    const refused = await RawClient.open('127.0.0.1', port);
    assert.equal(await refused.waitClosed(), true);
    assert.equal(a.closed || b.closed, false);
    a.close();
    while (server.connectionCount > 1) await sleep(5);
    const again = await RawClient.open('127.0.0.1', port);
    assert.equal(await again.waitClosed(200), false);
    b.close();
    again.close();
    await server.shutdown();
  });

  it('closes a connection idle for connections.max.idle.ms, not a busy one', async () => {
    const { handler, state } = gatedHandler();
    const { server, port } = await serve(handler, 10, 150);
    const idle = await RawClient.open('127.0.0.1', port);
    const busy = await RawClient.open('127.0.0.1', port);
    busy.send(busy.encode(ApiKey.DescribeCluster, 1, { endpointType: 1 }, 7));
    assert.equal(await idle.waitClosed(1000), true);
    assert.equal(busy.closed, false, 'a connection waiting for an answer stays open');
    state.open();
    assert.equal((await busy.readResponse(ApiKey.DescribeCluster, 1)).correlationId, 7);
    busy.close();
    await server.shutdown();
  });

  it('stops reading a connection at the in-flight bound and resumes in order', async () => {
    const { handler, state } = gatedHandler();
    const { server, port } = await serve(handler, 2);
    const c = await RawClient.open('127.0.0.1', port);
    for (let i = 1; i <= 8; i++) {
      c.send(c.encode(ApiKey.DescribeCluster, 1, { endpointType: 1 }, i));
      await sleep(15);
    }
    await sleep(100);
    // Two is the bound; a loaded machine may deliver a following frame in the same packet.
    assert.ok(state.started >= 2 && state.started <= 4, `read ${state.started} of 8 while the first were pending`);
    state.open();
    for (let i = 1; i <= 8; i++) assert.equal((await c.readResponse(ApiKey.DescribeCluster, 1)).correlationId, i);
    c.close();
    await server.shutdown();
  });

  it('answers requests already read before closing on shutdown, and accepts no new connection', async () => {
    const { handler, state } = gatedHandler();
    const { server, port } = await serve(handler, 10);
    const c = await RawClient.open('127.0.0.1', port);
    c.send(c.encode(ApiKey.DescribeCluster, 1, { endpointType: 1 }, 42));
    while (state.started === 0) await sleep(5);
    const stopped = server.shutdown();
    await sleep(20);
    await assert.rejects(RawClient.open('127.0.0.1', port), 'the listener is closed');
    state.open();
    const { correlationId, body } = await c.readResponse(ApiKey.DescribeCluster, 1);
    assert.equal(correlationId, 42);
    assert.equal((body as DescribeClusterResponse.DescribeClusterResponseData).clusterId, 'c42');
    assert.equal(await c.waitClosed(), true);
    await stopped;
  });
});
