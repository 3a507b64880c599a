import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { removeDir, startBrokerProcess, startTestBroker } from '../src/index.js';

function canConnect(address: string): Promise<boolean> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve) => {
    const s = connect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('testkit brokers', () => {
  it('starts and stops an in-process broker on a free port with a temp dir', async () => {
    const b = await startTestBroker();
    assert.ok(b.port > 0);
    assert.ok(await canConnect(b.bootstrap));
    assert.ok(existsSync(`${b.dataDir}/meta.properties`));
    await b.stop();
    assert.equal(await canConnect(b.bootstrap), false);
    assert.equal(existsSync(b.dataDir), false, 'temp dir removed');
  });

  it('starts a broker process that kill -9 ends', async () => {
    const p = await startBrokerProcess();
    assert.ok(await canConnect(p.bootstrap));
    assert.match(p.logs(), /Fluxo .* started/);
    await p.kill('SIGKILL');
    assert.equal(await canConnect(p.bootstrap), false);
    removeDir(p.dataDir);
  });
});
