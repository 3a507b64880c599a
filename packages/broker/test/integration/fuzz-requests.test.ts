import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '@fluxo/core';
import { ApiKey, type ApiVersionsResponse, apiInfo } from '@fluxo/protocol';
import { createHandlerTable } from '../../src/handlers/registry.js';
import { RawClient } from '../helpers/raw-client.js';
import { HOST, type RunningBroker, removeDir, startBroker } from './harness.js';

const SEED = 20261125;
const CASES = 400;

let broker: RunningBroker;
before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

/** A valid request for a served API at a served version, then damaged: bytes flipped, cut or appended. */
function mutatedRequest(c: RawClient, random: SeededRandom): Buffer {
  const served = createHandlerTable().versions();
  const api = served[random.int(served.length)]!;
  const version = api.minVersion + random.int(api.maxVersion - api.minVersion + 1);
  const info = apiInfo(api.apiKey)!;
  const frame = c.encode(api.apiKey, version, info.request.create() as object);
  const headerEnd = 12; // size, api key, version, correlation id stay intact so the broker gets that far
  const body = Buffer.from(frame.subarray(headerEnd));
  switch (random.int(3)) {
    case 0:
      for (let i = 0; i < 1 + random.int(4) && body.length > 0; i++) body[random.int(body.length)] = random.int(256);
      break;
    case 1:
      return resize(Buffer.concat([frame.subarray(0, headerEnd), body.subarray(0, random.int(body.length + 1))]));
    default:
      return resize(
        Buffer.concat([
          frame.subarray(0, headerEnd),
          body,
          Buffer.from(Array.from({ length: 8 }, () => random.int(256))),
        ]),
      );
  }
  return resize(Buffer.concat([frame.subarray(0, headerEnd), body]));
}

function resize(frame: Buffer): Buffer {
  frame.writeInt32BE(frame.length - 4, 0);
  return frame;
}

describe('damaged requests', () => {
  it(`never take the broker down (${CASES} cases, seed ${SEED})`, async () => {
    const random = new SeededRandom(SEED);
    let answered = 0;
    let closed = 0;
    let silent = 0;
    for (let i = 0; i < CASES; i++) {
      const c = await RawClient.open(HOST, broker.port);
      c.send(mutatedRequest(c, random));
      try {
        // Silence is legitimate too: acks=0 Produce, or a Fetch waiting out its max wait.
        await c.nextFrame(250);
        answered++;
      } catch {
        if (c.closed) closed++;
        else silent++;
      }
      c.close();
    }
    assert.equal(answered + closed + silent, CASES);
    assert.ok(answered > CASES / 10 && closed > CASES / 10, `answered ${answered}, closed ${closed}, silent ${silent}`);
    const c = await RawClient.open(HOST, broker.port);
    const r = await c.request<ApiVersionsResponse.ApiVersionsResponseData>(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'it',
      clientSoftwareVersion: '1',
    });
    assert.equal(r.errorCode, 0, 'the broker still answers');
    c.close();
  });
});
