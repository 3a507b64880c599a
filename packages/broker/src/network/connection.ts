import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { FrameDecoder } from './frame-decoder.js';
import type { DispatchOutcome, RequestDispatcher } from './request-dispatcher.js';

export interface ConnectionLimits {
  /** socket.request.max.bytes: a larger frame closes the connection, as in Kafka. */
  readonly frameSizeMaxBytes: number;
  /** Requests read but not yet answered; reading pauses at this bound (queued.max.requests). */
  readonly inFlightRequestsMax: number;
  /** Response bytes handed to the socket but not yet sent; reading pauses above this bound. */
  readonly unsentResponseBytesMax: number;
  /** connections.max.idle.ms; 0 or less never closes idle connections. */
  readonly idleTimeoutMs: number;
}

/** One request's place in the answer order; filled when its handler finishes. */
interface Slot {
  outcome: DispatchOutcome | undefined;
}

/**
 * One client connection. Requests are pipelined: each frame is dispatched as
 * soon as it is read, but answers leave strictly in request order (Kafka's
 * guarantee clients rely on) even when a long-polling Fetch finishes after a
 * later Metadata. Ready answers are written in one corked batch so Node issues
 * a single writev. Reading pauses while too many requests are pending or the
 * peer is slow to read what we already sent.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly slots: Slot[] = [];
  private slotsHead = 0;
  private closing = false;
  private pausedByUs = false;
  private drainWaiters: (() => void)[] = [];
  private lastActivityMs = performance.now();

  constructor(
    readonly id: number,
    readonly remoteAddress: string,
    private readonly socket: Socket,
    private readonly dispatcher: RequestDispatcher,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
  ) {
    this.decoder = new FrameDecoder(limits.frameSizeMaxBytes);
    socket.setNoDelay(true);
    // connections.max.idle.ms: a connection with nothing pending and no traffic is closed, as in Kafka.
    if (limits.idleTimeoutMs > 0) {
      socket.setTimeout(limits.idleTimeoutMs, () => {
        if (this.pendingRequests === 0 && performance.now() - this.lastActivityMs >= limits.idleTimeoutMs) {
          this.logger.debug('closing idle connection', { connection: id });
          this.destroy();
        }
      });
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.updateReading());
    socket.on('error', (err) => this.logger.debug('connection error', { connection: id, err: err.message }));
    socket.on('close', () => {
      this.closing = true;
      this.notifyIdle();
    });
  }

  /** Requests read and not yet answered. */
  get pendingRequests(): number {
    return this.slots.length - this.slotsHead;
  }

  /** Stops reading; resolves once every request already read has been answered (or the socket died). */
  drainAndClose(): Promise<void> {
    this.closing = true;
    this.socket.pause();
    return new Promise((resolve) => {
      const finish = (): void => {
        this.socket.end();
        resolve();
      };
      if (this.pendingRequests === 0 || this.socket.destroyed) finish();
      else this.drainWaiters.push(finish);
    });
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.lastActivityMs = performance.now();
    const result = this.decoder.push(chunk, (frame) => this.onFrame(frame));
    if (!result.ok) {
      this.logger.warn('closing connection', {
        connection: this.id,
        remote: this.remoteAddress,
        reason: result.reason,
      });
      this.destroy();
      return;
    }
    this.updateReading();
  }

  private onFrame(frame: Buffer): void {
    if (this.closing) return;
    const slot: Slot = { outcome: undefined };
    this.slots.push(slot);
    const outcome = this.dispatcher.dispatch(frame, { connectionId: this.id, remoteAddress: this.remoteAddress });
    if (outcome instanceof Promise) {
      outcome.then(
        (o) => this.complete(slot, o),
        (err: unknown) => this.complete(slot, { kind: 'close', reason: `dispatch failed: ${String(err)}` }),
      );
    } else {
      slot.outcome = outcome;
      // Kafka stops at a request it closes for: later frames of the same packet are not run.
      if (outcome.kind === 'close') this.closing = true;
      // Answer synchronous requests of the same packet together: flush once after the batch.
      if (this.slots.length - this.slotsHead === 1) queueMicrotask(() => this.flush());
    }
  }

  private complete(slot: Slot, outcome: DispatchOutcome): void {
    slot.outcome = outcome;
    this.flush();
  }

  /** Writes every answer that is ready and whose predecessors are all written, in one corked batch. */
  private flush(): void {
    if (this.socket.destroyed) return;
    let corked = false;
    while (this.slotsHead < this.slots.length) {
      const outcome = this.slots[this.slotsHead]!.outcome;
      if (outcome === undefined) break;
      this.slotsHead++;
      if (outcome.kind === 'close') {
        this.logger.warn('closing connection', {
          connection: this.id,
          remote: this.remoteAddress,
          reason: outcome.reason,
        });
        if (corked) this.socket.uncork();
        this.slots.length = 0;
        this.slotsHead = 0;
        this.closing = true;
        this.socket.end();
        this.socket.destroySoon();
        this.notifyIdle();
        return;
      }
      if (outcome.kind === 'response') {
        if (!corked) {
          this.socket.cork();
          corked = true;
        }
        for (const chunk of outcome.chunks) this.socket.write(chunk);
      }
    }
    if (corked) this.socket.uncork();
    if (this.slotsHead === this.slots.length) {
      this.slots.length = 0;
      this.slotsHead = 0;
      this.notifyIdle();
    }
    this.updateReading();
  }

  private updateReading(): void {
    if (this.closing) return;
    const overloaded =
      this.pendingRequests >= this.limits.inFlightRequestsMax ||
      this.socket.writableLength > this.limits.unsentResponseBytesMax;
    if (overloaded && !this.pausedByUs) {
      this.pausedByUs = true;
      this.socket.pause();
    } else if (!overloaded && this.pausedByUs) {
      this.pausedByUs = false;
      this.socket.resume();
    }
  }

  private notifyIdle(): void {
    if (this.pendingRequests !== 0 && !this.socket.destroyed) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}
