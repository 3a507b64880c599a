// An unreachable cluster, for every command that talks to one: exit 1, within a bound, with a
// message naming the address; and a server on the port that is not a Kafka broker.
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fluxo } from './harness.js';

/** Every cluster command, with the arguments it needs to get as far as the network. */
const CLUSTER_COMMANDS: string[][] = [
  ['topics', 'list'],
  ['topics', 'describe'],
  ['topics', 'create', 'x'],
  ['topics', 'delete', 'x'],
  ['topics', 'alter', 'x', '--partitions', '2'],
  ['groups', 'list'],
  ['groups', 'describe', 'g'],
  ['groups', 'delete', 'g'],
  ['groups', 'reset-offsets', 'g', '--all-topics', '--to-earliest'],
  ['configs', 'describe', '--topic', 'x'],
  ['configs', 'alter', '--topic', 'x', '--add-config', 'retention.ms=1'],
  ['produce', 'x'],
  ['consume', 'x'],
  ['perf', 'produce', 'x', '--num-records', '1'],
  ['perf', 'consume', 'x', '--messages', '1'],
];

/** Process start-up included; generous for a loaded 2-core machine, far below a hang. */
const BOUND_MS = 6000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let silent: Server;
let silentPort = 0;
const sockets: Socket[] = [];
let http: HttpServer;
let httpPort = 0;
before(async () => {
  // Accepts connections and never answers: only the timeout can end the wait.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
  // Answers the client's binary request with "HTTP/1.1 400 Bad Request".
  http = createHttpServer((_req, res) => res.end('not kafka'));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpPort = (http.address() as { port: number }).port;
});
after(() => {
  for (const s of sockets) s.destroy();
  silent.close();
  http.close();
});

describe('an unreachable cluster', { concurrency: 4 }, () => {
  for (const command of CLUSTER_COMMANDS) {
    it(`${command.slice(0, 2).join(' ')}: a refused connection fails at once, naming the address`, async () => {
      const r = await fluxo([...command, '--bootstrap-server', '127.0.0.1:1', '--timeout-ms', '1000'], {
        input: 'a\n',
      });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /cannot connect to bootstrap server 127\.0\.0\.1:1\b/);
      assert.ok(r.elapsedMs < BOUND_MS, `took ${r.elapsedMs} ms`);
    });

    it(`${command.slice(0, 2).join(' ')}: a silent server fails when --timeout-ms expires`, async () => {
      const address = `127.0.0.1:${silentPort}`;
      const r = await fluxo([...command, '--bootstrap-server', address, '--timeout-ms', '1000'], { input: 'a\n' });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`cannot reach bootstrap server ${escapeRegExp(address)} within 1000 ms`));
      assert.ok(r.elapsedMs >= 1000 && r.elapsedMs < BOUND_MS, `took ${r.elapsedMs} ms`);
    });
  }

  it('a refused connection does not wait for a long --timeout-ms', async () => {
    const r = await fluxo(['topics', 'list', '--bootstrap-server', '127.0.0.1:1', '--timeout-ms', '60000']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.elapsedMs < 8000, `took ${r.elapsedMs} ms: it waited for the timeout`);
  });

  it('takes the address and the timeout from FLUXO_BOOTSTRAP and FLUXO_TIMEOUT_MS', async () => {
    const r = await fluxo(['produce', 'orders'], {
      env: { FLUXO_BOOTSTRAP: `127.0.0.1:${silentPort}`, FLUXO_TIMEOUT_MS: '500' },
      input: 'a\n',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${silentPort} within 500 ms`));
  });

  it('says so when the server on the port is not a Kafka broker, as text or JSON', async () => {
    const address = `127.0.0.1:${httpPort}`;
    const [text, machine] = await Promise.all([
      fluxo(['topics', 'list', '--bootstrap-server', address]),
      fluxo(['groups', 'list', '--bootstrap-server', address, '--json']),
    ]);
    assert.equal(text.code, 1, text.stderr);
    assert.equal(text.stderr, `fluxo: ${address} does not look like a Kafka broker (received 'HTTP')\n`);
    assert.equal(machine.code, 1, machine.stderr);
    assert.deepEqual(JSON.parse(machine.stderr), {
      error: 'UnreachableError',
      message: `${address} does not look like a Kafka broker (received 'HTTP')`,
    });
  });
});
