import { randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { type Clock, SeededRandom, systemClock } from '@fluxo/core';
import {
  DEFAULT_CONFIG,
  type Entry,
  EMPTY_DISK,
  entriesAfterSnapshot,
  ErrorCode,
  type RaftAction,
  type RaftConfig,
  type RaftEvent,
  RaftNode,
  type RaftRequest,
  type RaftResponse,
} from '../core/index.js';
import {
  answerDescribeQuorum,
  type apiOfRequest,
  decodeRequestFrame,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
  responseCorrelationId,
} from '../wire/index.js';
import { readLatestSnapshot, readQuorumState, writeQuorumState, writeSnapshot } from './durable-files.js';
import { FrameReader } from './frame-reader.js';
import { SegmentLog } from './segment-log.js';

/** The application above the quorum: sees committed entries in order, once per process lifetime. */
export interface StateMachine {
  apply(offset: number, entry: Entry): void;
  snapshot(): Uint8Array;
  restore(bytes: Uint8Array): void;
}

export interface RaftServerOptions {
  readonly nodeId: number;
  readonly voters: ReadonlyMap<number, { host: string; port: number }>;
  readonly dataDir: string;
  readonly stateMachine: StateMachine;
  readonly config?: Partial<Omit<RaftConfig, 'nodeId' | 'voters'>>;
  readonly clock?: Clock;
}

/** Requests answered later (parked fetches) are remembered at most this many at once. */
const PENDING_REPLIES_MAX = 10_000;
const RECONNECT_BACKOFF_MS = 100;

interface Peer {
  socket: Socket | null;
  backingOff: boolean;
  inflight: Map<number, RaftRequest>;
}

/**
 * The thin I/O shell around RaftNode: TCP with Kafka framing and the generated codecs,
 * files for the log, quorum state and snapshots, one timer. All decisions are the core's.
 */
export class RaftServer {
  readonly raft: RaftNode;
  private readonly log: SegmentLog;
  private readonly server: Server;
  private readonly peers = new Map<number, Peer>();
  private readonly replies = new Map<string, { socket: Socket; api: ReturnType<typeof apiOfRequest> }>();
  private readonly appends = new Map<number, { resolve: (o: number) => void; reject: (e: Error) => void }>();
  private readonly inbound = new Set<Socket>();
  private events: RaftEvent[] = [];
  private stepping = false;
  private drainScheduled = false;
  private timerAtMs = Number.POSITIVE_INFINITY;
  private wantedAtMs = Number.POSITIVE_INFINITY;
  /** Log appends of this drain, written with one write() before the flush and before any truncation. */
  private logBuffer: { baseOffset: number; entries: Entry[] } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;
  private flushWanted: { endOffset: number; logVersion: number } | null = null;
  private appendSeq = 0;
  private closed = false;
  private readonly clock: Clock;

  constructor(private readonly options: RaftServerOptions) {
    this.clock = options.clock ?? systemClock;
    mkdirSync(options.dataDir, { recursive: true });
    const snapshot = readLatestSnapshot(options.dataDir) ?? EMPTY_DISK.snapshot;
    this.log = new SegmentLog(options.dataDir, this.clock, (epoch) => this.leaderOfEpoch(epoch));
    const entries = entriesAfterSnapshot(snapshot.id, this.log.logStartOffset, this.log.recovered);
    this.log.alignWith(snapshot.id.endOffset, entries); // make the disk match what the core will believe
    this.log.recovered = [];
    options.stateMachine.restore(snapshot.bytes);
    const config: RaftConfig = {
      ...DEFAULT_CONFIG,
      ...options.config,
      nodeId: options.nodeId,
      voters: [...options.voters.keys()],
    };
    const disk = { quorum: readQuorumState(options.dataDir), snapshot, entries };
    this.raft = new RaftNode(config, this.clock, new SeededRandom(randomInt(2 ** 31)), disk);
    for (const id of options.voters.keys())
      if (id !== options.nodeId) this.peers.set(id, { socket: null, backingOff: false, inflight: new Map() });
    this.server = createServer((s) => this.accept(s));
  }

  /** Listens on this node's port and starts the core. */
  async start(): Promise<void> {
    const me = this.options.voters.get(this.options.nodeId)!;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(me.port, me.host, () => resolve());
    });
    this.enqueue({ type: 'tick' });
  }

  /** Appends on the leader; resolves with the offset once committed (the high watermark passed it). */
  append(data: Uint8Array): Promise<number> {
    const appendId = this.appendSeq++;
    return new Promise((resolve, reject) => {
      this.appends.set(appendId, { resolve, reject });
      this.enqueueSoon({ type: 'append', appendId, data });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.peers.values()) p.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const a of this.appends.values()) a.reject(new Error('closed'));
    this.log.close();
  }

  // ---- the loop ------------------------------------------------------------------------------

  /** Client appends are gathered for a microtask so that a burst becomes one write and one fetch answer. */
  private enqueueSoon(event: RaftEvent): void {
    this.events.push(event);
    if (this.drainScheduled || this.stepping) return;
    this.drainScheduled = true;
    queueMicrotask(() => {
      this.drainScheduled = false;
      if (this.events.length > 0) this.enqueue(null);
    });
  }

  private enqueue(event: RaftEvent | null): void {
    if (this.closed) return;
    if (event !== null) this.events.push(event);
    if (this.stepping) return;
    this.stepping = true;
    try {
      while (this.events.length > 0) {
        const e = this.events.shift()!;
        for (const a of this.raft.step(e)) this.perform(a);
      }
      this.writeBufferedLog();
      this.maybeFlush();
    } catch (e) {
      // A broken invariant or a failed write stops the node: serving on is worse than stopping.
      this.closed = true;
      process.nextTick(() => {
        throw e;
      });
    } finally {
      this.stepping = false;
    }
  }

  private perform(a: RaftAction): void {
    const dir = this.options.dataDir;
    switch (a.type) {
      case 'send':
        return this.send(a.message);
      case 'persistState':
        return writeQuorumState(dir, a.state);
      case 'appendLog': {
        const b = this.logBuffer;
        if (b !== null && b.baseOffset + b.entries.length === a.baseOffset) b.entries.push(...a.entries);
        else {
          this.writeBufferedLog();
          this.logBuffer = { baseOffset: a.baseOffset, entries: [...a.entries] };
        }
        return;
      }
      case 'truncateLog':
        this.writeBufferedLog();
        return this.log.truncateTo(a.endOffset);
      case 'flushLog':
        this.flushWanted = { endOffset: a.endOffset, logVersion: a.logVersion };
        return; // started after the buffered writes, at the end of the drain
      case 'apply':
        return this.options.stateMachine.apply(a.offset, a.entry);
      case 'takeSnapshot': {
        const bytes = this.options.stateMachine.snapshot();
        writeSnapshot(dir, a.id, bytes, this.clock.nowMs());
        this.events.push({ type: 'snapshotSaved', id: a.id, bytes });
        return;
      }
      case 'installSnapshot':
        this.writeBufferedLog();
        writeSnapshot(dir, a.id, a.bytes, this.clock.nowMs());
        this.log.resetTo(a.id.endOffset);
        return this.options.stateMachine.restore(a.bytes);
      case 'truncatePrefix':
        this.writeBufferedLog();
        return this.log.dropPrefix(a.logStartOffset);
      case 'appendResult': {
        const p = this.appends.get(a.appendId);
        this.appends.delete(a.appendId);
        if (!p) return;
        if (a.errorCode === ErrorCode.NONE) p.resolve(a.offset);
        else
          p.reject(
            Object.assign(new Error(`append failed with error code ${a.errorCode}`), { errorCode: a.errorCode }),
          );
        return;
      }
      case 'armTimer':
        this.wantedAtMs = a.atMs;
        return this.armTimer();
    }
  }

  /**
   * Keeps one timer at or before the core's wanted time: an early tick is harmless, but the
   * core arms each time only once, so after an early tick the wanted time is re-armed here.
   */
  private armTimer(): void {
    const now = this.clock.monotonicMs();
    if (this.timer !== null && this.timerAtMs <= this.wantedAtMs && this.timerAtMs >= now) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAtMs = this.wantedAtMs;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.enqueue({ type: 'tick' });
        if (this.timer === null && this.wantedAtMs > this.timerAtMs) this.armTimer();
      },
      Math.ceil(Math.max(0, this.wantedAtMs - now)),
    );
  }

  /** The leader a LeaderChange control record names: known only for the current epoch. */
  private leaderOfEpoch(epoch: number): number {
    const raft = this.raft as RaftNode | undefined; // unset while the constructor aligns the log
    if (raft === undefined) return -1;
    const d = raft.describe();
    return d.leaderEpoch === epoch ? d.leaderId : -1;
  }

  private writeBufferedLog(): void {
    const b = this.logBuffer;
    if (b === null) return;
    this.logBuffer = null;
    this.log.append(b.baseOffset, b.entries);
  }

  /** One fdatasync at a time; flush requests made meanwhile are folded into the next one. */
  private maybeFlush(): void {
    if (this.flushing || this.flushWanted === null) return;
    const wanted = this.flushWanted;
    this.flushWanted = null;
    this.flushing = true;
    this.log.flush((err) => {
      this.flushing = false;
      if (err) throw err; // a log we cannot make durable must stop the node
      this.enqueue({ type: 'logFlushed', endOffset: wanted.endOffset, logVersion: wanted.logVersion });
      this.maybeFlush();
    });
  }

  // ---- network -------------------------------------------------------------------------------

  private send(m: RaftRequest | RaftResponse): void {
    if (
      m.kind === 'voteResponse' ||
      m.kind === 'quorumEpochResponse' ||
      m.kind === 'fetchResponse' ||
      m.kind === 'fetchSnapshotResponse'
    ) {
      const key = `${m.to}:${m.correlation}`;
      const reply = this.replies.get(key);
      if (!reply) return;
      this.replies.delete(key);
      if (!reply.socket.destroyed) reply.socket.write(encodeResponseFrame(m, reply.api));
      return;
    }
    const peer = this.peers.get(m.to);
    if (!peer) return;
    const socket = this.connection(m.to, peer);
    if (socket === null) return; // lost, like any message: the core retries on its timers
    peer.inflight.set(m.correlation, m);
    socket.write(encodeRequestFrame(m, `raft-${this.options.nodeId}`));
  }

  /** The peer's socket; writes made before it connects are queued by node:net. Null while backing off. */
  private connection(id: number, peer: Peer): Socket | null {
    if (peer.socket !== null) return peer.socket;
    if (peer.backingOff || this.closed) return null;
    const addr = this.options.voters.get(id)!;
    const socket = connect({ host: addr.host, port: addr.port, noDelay: true });
    peer.socket = socket;
    const reader = new FrameReader((frame) => {
      const request = peer.inflight.get(responseCorrelationId(frame));
      if (!request) return;
      peer.inflight.delete(request.correlation);
      this.enqueue({ type: 'message', message: decodeResponseFrame(frame, request) });
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy(); // a malformed response: reconnect rather than trust the stream
      }
    });
    const drop = () => {
      if (peer.socket !== socket) return;
      peer.socket = null;
      peer.inflight.clear();
      peer.backingOff = true;
      setTimeout(() => {
        peer.backingOff = false;
      }, RECONNECT_BACKOFF_MS);
    };
    socket.on('error', drop);
    socket.on('close', drop);
    return socket;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    this.inbound.add(socket);
    const reader = new FrameReader((frame) => {
      let decoded: ReturnType<typeof decodeRequestFrame>;
      try {
        const described = answerDescribeQuorum(frame, this.raft.describe(), this.raft.isLeader);
        if (described !== null) {
          socket.write(described);
          return;
        }
        decoded = decodeRequestFrame(frame, this.options.nodeId);
      } catch {
        socket.destroy(); // a malformed request closes the connection, never the node
        return;
      }
      const { request, api } = decoded;
      if (this.replies.size >= PENDING_REPLIES_MAX) this.replies.delete(this.replies.keys().next().value!);
      this.replies.set(`${request.from}:${request.correlation}`, { socket, api });
      this.enqueue({ type: 'message', message: request });
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        socket.destroy(); // an oversized frame
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.inbound.delete(socket));
  }
}
