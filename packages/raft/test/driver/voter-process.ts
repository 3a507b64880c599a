import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  DescribeQuorumRequest,
  DescribeQuorumResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  Writer,
} from '@fluxo/protocol';

const MAIN = fileURLToPath(new URL('../../src/driver/main.js', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: JSON lines from the child
type Message = Record<string, any>;

/** One voter process (driver/main.js) spoken to over its stdin/stdout JSON lines. */
export class VoterProcess {
  private child: ChildProcess | null = null;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(
    readonly id: number,
    private readonly args: string[],
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [MAIN, '--id', String(this.id), ...this.args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Message;
      const i = this.waiters.findIndex((w) => w.match(m));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
    await this.next((m) => m.event === 'ready');
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  next(match: (m: Message) => boolean): Promise<Message> {
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  send(cmd: Message): void {
    this.child?.stdin?.write(`${JSON.stringify(cmd)}\n`);
  }

  status(): Promise<Message> {
    const p = this.next((m) => m.event === 'status');
    this.send({ cmd: 'status' });
    return p;
  }

  dump(): Promise<[number, string][]> {
    const p = this.next((m) => m.event === 'dump');
    this.send({ cmd: 'dump' });
    return p.then((m) => m.applied);
  }

  append(id: number, data: string): Promise<Message> {
    const p = this.next((m) => (m.event === 'appended' || m.event === 'appendFailed') && m.id === id);
    this.send({ cmd: 'append', id, data });
    return p;
  }

  /** kill -9: no chance to flush or say goodbye. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks a voter DescribeQuorum v2 over TCP, as Kafka's admin tooling would. */
export async function describeQuorum(port: number): Promise<DescribeQuorumResponse.DescribeQuorumResponseData> {
  const version = 2;
  const apiKey = DescribeQuorumRequest.apiKey;
  const w = new Writer();
  w.writeInt32(0);
  RequestHeader.encode(
    w,
    RequestHeader.create({ requestApiKey: apiKey, requestApiVersion: version, correlationId: 42, clientId: 'test' }),
    requestHeaderVersion(apiKey, version),
  );
  const partitions = [DescribeQuorumRequest.createPartitionData({ partitionIndex: 0 })];
  const topics = [DescribeQuorumRequest.createTopicData({ topicName: '__cluster_metadata', partitions })];
  DescribeQuorumRequest.encode(w, DescribeQuorumRequest.create({ topics }), version);
  const frame = w.toBuffer();
  frame.writeInt32BE(frame.length - 4, 0);
  const socket = connect({ host: '127.0.0.1', port });
  socket.write(frame);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) {
    chunks.push(chunk as Buffer);
    const all = Buffer.concat(chunks);
    if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) {
      socket.destroy();
      const r = new Reader(all.subarray(4, 4 + all.readInt32BE(0)));
      const header = ResponseHeader.decode(r, responseHeaderVersion(apiKey, version));
      if (header.correlationId !== 42) throw new Error('wrong correlation id');
      return DescribeQuorumResponse.decode(r, version);
    }
  }
  throw new Error('connection closed before the DescribeQuorum response');
}
