import { SeededRandom } from '@fluxo/core';
import {
  DEFAULT_CONFIG,
  ErrorCode,
  type RaftAction,
  type RaftConfig,
  type RaftEvent,
  type RaftMessage,
  RaftNode,
} from '../core/index.js';
import { EventQueue } from './event-queue.js';
import { Invariants } from './invariants.js';
import { SimDisk } from './sim-disk.js';
import { HashStateMachine } from './state-machine.js';

export type Canary = NonNullable<RaftConfig['canary']>;

export interface ScheduleOptions {
  readonly seed: number;
  readonly canary?: Canary;
  /** Simulated milliseconds of faults, then a fault-free phase that must converge. */
  readonly faultPhaseMs?: number;
  readonly livenessMs?: number;
  /** Pass every message through the Kafka codecs (slower, proves the wire mapping). */
  readonly wire?: (m: RaftMessage) => RaftMessage;
}

export interface ScheduleResult {
  readonly seed: number;
  readonly violation: string | null;
  readonly faults: number;
  readonly steps: number;
  readonly committed: number;
  readonly simMs: number;
}

/** The fault mix of one schedule, drawn from its seed (swarm testing: not every fault every time). */
interface FaultProfile {
  nodes: number;
  lossRate: number;
  duplicateRate: number;
  delaySpikeRate: number;
  faultEveryMs: number;
  tornWrites: boolean;
  appendEveryMs: number;
  /** Chance of a crash right after a quorum-state write (a vote or an epoch change): the risky moment. */
  crashAfterPersistRate: number;
}

type SimEvent =
  /** `incarnation` is the receiver's when sent: a restart resets connections, so older messages die. */
  | { kind: 'deliver'; message: RaftMessage; incarnation: number }
  | { kind: 'tick'; node: number; incarnation: number }
  | { kind: 'flushed'; node: number; incarnation: number; ops: number; endOffset: number; logVersion: number }
  | { kind: 'step'; node: number; incarnation: number; event: RaftEvent }
  | { kind: 'fault' }
  | { kind: 'restart'; node: number }
  | { kind: 'crash'; node: number; incarnation: number }
  | { kind: 'append' }
  | { kind: 'heal' }
  | { kind: 'probe' };

interface SimNode {
  id: number;
  incarnation: number;
  raft: RaftNode | null;
  disk: SimDisk;
  sm: HashStateMachine;
  lastFlushAt: number;
  random: SeededRandom;
}

const SIM_CONFIG = {
  ...DEFAULT_CONFIG,
  electionTimeoutMs: 150,
  fetchTimeoutMs: 300,
  requestTimeoutMs: 300,
  electionBackoffMaxMs: 150,
  fetchMaxWaitMs: 75,
  fetchMaxEntries: 8,
  snapshotChunkBytes: 5, // a simulated snapshot is 8 bytes: always two chunks
  snapshotIntervalEntries: 40,
  maxPendingAppends: 64,
};

class Schedule {
  private readonly random: SeededRandom;
  private readonly profile: FaultProfile;
  private readonly queue = new EventQueue<SimEvent>();
  private readonly nodes: SimNode[] = [];
  private readonly invariants = new Invariants();
  private readonly blocked = new Set<string>();
  private now = 0;
  private faults = 0;
  private steps = 0;
  private healed = false;
  private appendSeq = 0;
  private probeOffset = -1;
  private probeSent = false;
  private violation: string | null = null;
  private readonly appended = new Map<number, Uint8Array>();

  constructor(private readonly options: ScheduleOptions) {
    this.random = new SeededRandom(options.seed);
    this.profile = this.drawProfile();
    for (let id = 1; id <= this.profile.nodes; id++) {
      const node: SimNode = {
        id,
        incarnation: 0,
        raft: null,
        disk: new SimDisk(),
        sm: new HashStateMachine(),
        lastFlushAt: 0,
        random: new SeededRandom((options.seed * 31 + id) | 0),
      };
      this.nodes.push(node);
      this.boot(node);
    }
  }

  private drawProfile(): FaultProfile {
    const r = this.random;
    const pick = <T>(xs: T[]): T => xs[r.int(xs.length)];
    return {
      nodes: pick([3, 3, 3, 5]),
      lossRate: pick([0, 0.01, 0.05, 0.2]),
      duplicateRate: pick([0, 0.02, 0.1]),
      delaySpikeRate: pick([0, 0.02, 0.1]),
      faultEveryMs: pick([100, 250, 600]),
      tornWrites: r.int(2) === 0,
      appendEveryMs: pick([5, 20, 50]),
      crashAfterPersistRate: pick([0, 0, 0.05, 0.2]),
    };
  }

  run(): ScheduleResult {
    const faultPhaseMs = this.options.faultPhaseMs ?? 3000;
    const livenessMs = this.options.livenessMs ?? 6000;
    this.queue.push(this.profile.faultEveryMs, { kind: 'fault' });
    this.queue.push(1, { kind: 'append' });
    this.queue.push(faultPhaseMs, { kind: 'heal' });
    const deadline = faultPhaseMs + livenessMs;
    while (this.violation === null && this.queue.size > 0 && this.queue.peekTime() <= deadline) {
      const { at, item } = this.queue.pop()!;
      this.now = at;
      this.steps += 1;
      this.dispatch(item);
      if (this.healed && this.probeConverged()) break;
    }
    if (TRACE) for (const n of this.nodes) console.log(`end n${n.id} ${n.raft ? describe(n.raft) : 'down'}`);
    if (this.violation === null && !this.probeConverged())
      this.violation = `no progress within ${livenessMs} ms after faults healed (probe offset ${this.probeOffset})`;
    return {
      seed: this.options.seed,
      violation: this.violation,
      faults: this.faults,
      steps: this.steps,
      committed: this.invariants.committedCount,
      simMs: this.now,
    };
  }

  // ---- nodes -------------------------------------------------------------------------------

  private boot(node: SimNode): void {
    node.incarnation += 1;
    const clock = { nowMs: () => 1_700_000_000_000 + this.now, monotonicMs: () => this.now };
    const config: RaftConfig = {
      ...SIM_CONFIG,
      nodeId: node.id,
      voters: this.voters(),
      canary: this.options.canary,
    };
    const persisted = node.disk.load();
    node.sm = HashStateMachine.restore(persisted.snapshot.bytes);
    this.check(() => this.invariants.onRestore(node.id, persisted.snapshot.id.endOffset, node.sm.hash));
    node.raft = new RaftNode(config, clock, node.random, persisted);
    this.stepNode(node, { type: 'tick' });
  }

  private voters(): number[] {
    return Array.from({ length: this.profile.nodes }, (_, i) => i + 1);
  }

  private stepNode(node: SimNode, event: RaftEvent): void {
    const raft = node.raft;
    if (raft === null) return;
    let actions: RaftAction[];
    const before = TRACE ? describe(raft) : '';
    try {
      actions = raft.step(event);
    } catch (e) {
      this.violation = `node ${node.id} failed an assertion: ${(e as Error).message}`;
      return;
    }
    for (const a of actions) this.perform(node, a);
    this.check(() => this.invariants.afterStep(node.id, raft));
    if (TRACE && describe(raft) !== before)
      console.log(`${this.now} n${node.id} ${describe(raft)} <- ${eventName(event)}`);
  }

  private perform(node: SimNode, a: RaftAction): void {
    const inc = node.incarnation;
    switch (a.type) {
      case 'send':
        return this.send(a.message);
      case 'persistState':
        node.disk.quorum = a.state;
        if (!this.healed && this.random.next() < this.profile.crashAfterPersistRate)
          this.queue.push(this.now, { kind: 'crash', node: node.id, incarnation: inc });
        return;
      case 'appendLog':
        return node.disk.write({ kind: 'append', baseOffset: a.baseOffset, entries: a.entries });
      case 'truncateLog':
        return node.disk.write({ kind: 'truncate', endOffset: a.endOffset });
      case 'flushLog': {
        // Flushes complete in issue order, after 0-3 ms.
        node.lastFlushAt = Math.max(node.lastFlushAt, this.now + this.random.int(4));
        const ops = node.disk.pendingOps;
        this.queue.push(node.lastFlushAt, {
          kind: 'flushed',
          node: node.id,
          incarnation: inc,
          ops,
          endOffset: a.endOffset,
          logVersion: a.logVersion,
        });
        return;
      }
      case 'apply':
        this.check(() => this.invariants.onApply(node.id, node.sm, a.offset, a.entry));
        node.sm.apply(a.entry);
        return;
      case 'takeSnapshot': {
        const bytes = node.sm.snapshot();
        node.disk.saveSnapshot(a.id, bytes);
        const event: RaftEvent = { type: 'snapshotSaved', id: a.id, bytes };
        this.queue.push(this.now + this.random.int(3), { kind: 'step', node: node.id, incarnation: inc, event });
        return;
      }
      case 'installSnapshot':
        node.disk.installSnapshot(a.id, a.bytes);
        node.sm = HashStateMachine.restore(a.bytes);
        this.check(() => this.invariants.onRestore(node.id, a.id.endOffset, node.sm.hash));
        return;
      case 'truncatePrefix':
        return node.disk.truncatePrefix(a.logStartOffset);
      case 'appendResult':
        if (a.errorCode === ErrorCode.NONE) {
          const data = this.appended.get(a.appendId);
          this.check(() => this.invariants.onAcked(a.offset, node.raft!.log.entryAt(a.offset), data));
          if (a.appendId === -1) this.probeOffset = a.offset;
        } else if (a.appendId === -1) this.probeSent = false;
        this.appended.delete(a.appendId);
        return;
      case 'armTimer':
        this.queue.push(a.atMs, { kind: 'tick', node: node.id, incarnation: inc });
        return;
    }
  }

  private crash(node: SimNode, quickRestart = false): void {
    if (node.raft === null) return;
    node.raft = null;
    this.faults += 1;
    this.faults += node.disk.crash(this.random, this.profile.tornWrites);
    this.invariants.onCrash(node.id);
    const downMs = quickRestart ? 1 + this.random.int(20) : 50 + this.random.int(1000);
    this.queue.push(this.now + downMs, { kind: 'restart', node: node.id });
  }

  // ---- network -----------------------------------------------------------------------------

  private send(message: RaftMessage): void {
    const p = this.healed ? null : this.profile;
    if (p !== null && this.random.next() < p.lossRate) {
      this.faults += 1;
      return;
    }
    const copies = p !== null && this.random.next() < p.duplicateRate ? 2 : 1;
    if (copies === 2) this.faults += 1;
    for (let i = 0; i < copies; i++) {
      let delay = 1 + this.random.int(5);
      if (p !== null && this.random.next() < p.delaySpikeRate) delay += this.random.int(300);
      const incarnation = this.nodes[message.to - 1].incarnation;
      this.queue.push(this.now + delay, { kind: 'deliver', message, incarnation });
    }
  }

  private deliver(message: RaftMessage, incarnation: number): void {
    if (this.blocked.has(`${message.from}>${message.to}`)) return;
    const node = this.nodes[message.to - 1];
    if (node.raft === null || node.incarnation !== incarnation) return;
    const m = this.options.wire ? this.options.wire(message) : message;
    this.stepNode(node, { type: 'message', message: m });
  }

  // ---- faults and workload -----------------------------------------------------------------

  private injectFault(): void {
    const r = this.random;
    const n = this.nodes.length;
    const kind = r.int(6);
    if (kind <= 1) this.crash(this.nodes[r.int(n)]);
    else if (kind === 2) {
      // Isolate one node both ways.
      const victim = 1 + r.int(n);
      for (const v of this.voters()) if (v !== victim) this.cut(victim, v, true);
    } else if (kind === 3)
      this.cut(1 + r.int(n), 1 + r.int(n), r.int(2) === 0); // one link, maybe one-way
    else if (kind === 4) {
      // Isolate the current leader, the disruptive case for pre-vote and check-quorum.
      const leader = this.nodes.find((x) => x.raft?.isLeader);
      if (leader) for (const v of this.voters()) if (v !== leader.id) this.cut(leader.id, v, r.int(3) !== 0);
    } else this.blocked.clear();
    this.queue.push(this.now + 1 + r.int(2 * this.profile.faultEveryMs), { kind: 'fault' });
  }

  private cut(a: number, b: number, symmetric: boolean): void {
    if (a === b) return;
    this.faults += 1;
    this.blocked.add(`${a}>${b}`);
    if (symmetric) this.blocked.add(`${b}>${a}`);
  }

  private clientAppend(): void {
    const leaders = this.nodes.filter((n) => n.raft?.isLeader);
    if (leaders.length > 0) {
      const node = leaders[this.random.int(leaders.length)];
      const data = new Uint8Array([this.appendSeq & 0xff, (this.appendSeq >> 8) & 0xff, node.id]);
      this.appended.set(this.appendSeq, data);
      this.stepNode(node, { type: 'append', appendId: this.appendSeq++, data });
    }
    if (!this.healed) this.queue.push(this.now + 1 + this.random.int(this.profile.appendEveryMs), { kind: 'append' });
  }

  /** Fault-free phase: restart everyone, reconnect everything, then prove progress with one probe entry. */
  private heal(): void {
    this.healed = true;
    this.blocked.clear();
    for (const n of this.nodes) if (n.raft === null) this.boot(n);
    this.queue.push(this.now + 10, { kind: 'probe' });
  }

  private probe(): void {
    if (this.probeOffset < 0 && !this.probeSent) {
      const leader = this.nodes.find((n) => n.raft?.isLeader);
      if (leader) {
        this.probeSent = true;
        const data = new Uint8Array([0xff]);
        this.appended.set(-1, data);
        this.stepNode(leader, { type: 'append', appendId: -1, data });
      }
    }
    this.queue.push(this.now + 20, { kind: 'probe' });
  }

  private probeConverged(): boolean {
    if (this.probeOffset < 0) return false;
    return this.nodes.every((n) => n.raft !== null && n.raft.appliedOffset > this.probeOffset);
  }

  private dispatch(e: SimEvent): void {
    switch (e.kind) {
      case 'deliver':
        return this.deliver(e.message, e.incarnation);
      case 'tick':
      case 'step':
      case 'flushed': {
        const node = this.nodes[e.node - 1];
        if (node.raft === null || node.incarnation !== e.incarnation) return;
        if (e.kind === 'tick') return this.stepNode(node, { type: 'tick' });
        if (e.kind === 'step') return this.stepNode(node, e.event);
        node.disk.flush(e.ops);
        return this.stepNode(node, { type: 'logFlushed', endOffset: e.endOffset, logVersion: e.logVersion });
      }
      case 'fault':
        if (!this.healed) this.injectFault();
        return;
      case 'crash': {
        const node = this.nodes[e.node - 1];
        if (node.incarnation === e.incarnation) this.crash(node, true);
        return;
      }
      case 'restart': {
        const node = this.nodes[e.node - 1];
        if (node.raft === null) this.boot(node);
        return;
      }
      case 'append':
        return this.clientAppend();
      case 'heal':
        return this.heal();
      case 'probe':
        return this.probe();
    }
  }

  private check(fn: () => string | null): void {
    if (this.violation !== null) return;
    const v = fn();
    if (v !== null) this.violation = v;
  }
}

const TRACE = typeof process !== 'undefined' && process.env.FLUXO_SIM_TRACE === '1';

function describe(r: RaftNode): string {
  return `${r.role} e${r.epoch} L${r.leaderId} V${r.votedId} leo${r.log.endOffset} hw${r.highWatermark}`;
}

function eventName(e: RaftEvent): string {
  return e.type === 'message' ? `${e.message.kind} from ${e.message.from}` : e.type;
}

export function runSchedule(options: ScheduleOptions): ScheduleResult {
  return new Schedule(options).run();
}
