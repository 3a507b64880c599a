#!/usr/bin/env node
// One Raft voter as a process, for the multi-process test and the bench:
//   node main.js --id 1 --voters 1@127.0.0.1:9001,2@127.0.0.1:9002,3@127.0.0.1:9003 --data DIR
// stdin takes JSON lines: {"cmd":"append","id":N,"data":"text"} | {"cmd":"status"} | {"cmd":"dump"};
// stdout answers with JSON lines (appended / appendFailed / status / dump), and "ready" once listening.
import { createInterface } from 'node:readline';
import type { Entry } from '../core/index.js';
import { RaftServer, type StateMachine } from './raft-server.js';

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0 || i + 1 >= process.argv.length) throw new Error(`missing --${name}`);
  return process.argv[i + 1];
}

/** Keeps every applied data entry, by offset; its snapshot is the JSON of that list. */
class ListStateMachine implements StateMachine {
  applied: [number, string][] = [];
  apply(offset: number, entry: Entry): void {
    if (!entry.control) this.applied.push([offset, Buffer.from(entry.data).toString('utf8')]);
  }
  snapshot(): Uint8Array {
    return Buffer.from(JSON.stringify(this.applied));
  }
  restore(bytes: Uint8Array): void {
    this.applied = bytes.length === 0 ? [] : JSON.parse(Buffer.from(bytes).toString('utf8'));
  }
}

const voters = new Map<number, { host: string; port: number }>();
for (const v of arg('voters').split(',')) {
  const [id, addr] = v.split('@');
  const [host, port] = addr.split(':');
  voters.set(Number(id), { host, port: Number(port) });
}
const sm = new ListStateMachine();
const snapshotEvery = process.argv.includes('--snapshot-every') ? Number(arg('snapshot-every')) : undefined;
const server = new RaftServer({
  nodeId: Number(arg('id')),
  voters,
  dataDir: arg('data'),
  stateMachine: sm,
  config: snapshotEvery !== undefined ? { snapshotIntervalEntries: snapshotEvery } : {},
});
const out = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const cmd = JSON.parse(line) as { cmd: string; id?: number; data?: string };
  const r = server.raft;
  if (cmd.cmd === 'append')
    server.append(Buffer.from(cmd.data ?? '')).then(
      (offset) => out({ event: 'appended', id: cmd.id, offset }),
      (e: Error & { errorCode?: number }) => out({ event: 'appendFailed', id: cmd.id, errorCode: e.errorCode ?? -1 }),
    );
  else if (cmd.cmd === 'status')
    out({
      event: 'status',
      role: r.role,
      epoch: r.epoch,
      leaderId: r.leaderId,
      highWatermark: r.highWatermark,
      applied: sm.applied.length,
    });
  else if (cmd.cmd === 'dump') out({ event: 'dump', applied: sm.applied });
});
process.stdin.on('end', () => process.exit(0));
await server.start();
out({ event: 'ready' });
