import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, SeededRandom } from '@fluxo/core';
import {
  DEFAULT_CONFIG,
  ErrorCode,
  type RaftAction,
  type RaftConfig,
  type RaftEvent,
  type RaftMessage,
  RaftNode,
} from '../../src/core/index.js';

/** A lossless 1 ms network and instant disks, with links that can be cut: scripted scenarios. */
class Cluster {
  readonly clock = new ManualClock();
  readonly nodes = new Map<number, RaftNode>();
  readonly actions = new Map<number, RaftAction[]>();
  private inFlight: RaftMessage[] = [];
  private events: [number, RaftEvent][] = [];
  readonly blocked = new Set<string>();

  constructor(size: number, config: Partial<RaftConfig> = {}) {
    const voters = Array.from({ length: size }, (_, i) => i + 1);
    for (const id of voters) {
      this.nodes.set(
        id,
        new RaftNode({ ...DEFAULT_CONFIG, ...config, nodeId: id, voters }, this.clock, new SeededRandom(id)),
      );
      this.actions.set(id, []);
      this.events.push([id, { type: 'tick' }]);
    }
  }

  node(id: number): RaftNode {
    return this.nodes.get(id)!;
  }

  step(id: number, event: RaftEvent): RaftAction[] {
    const out = this.node(id).step(event);
    this.actions.get(id)!.push(...out);
    for (const a of out) {
      if (a.type === 'send') this.inFlight.push(a.message);
      if (a.type === 'flushLog')
        this.events.push([id, { type: 'logFlushed', endOffset: a.endOffset, logVersion: a.logVersion }]);
      if (a.type === 'takeSnapshot')
        this.events.push([id, { type: 'snapshotSaved', id: a.id, bytes: new Uint8Array([1, 2, 3]) }]);
    }
    return out;
  }

  isolate(id: number): void {
    for (const other of this.nodes.keys()) if (other !== id) this.blocked.add(`${id}>${other}`).add(`${other}>${id}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  run(ms: number): void {
    for (let t = 0; t < ms; t++) {
      this.clock.advance(1);
      const messages = this.inFlight;
      this.inFlight = [];
      for (const m of messages)
        if (!this.blocked.has(`${m.from}>${m.to}`)) this.step(m.to, { type: 'message', message: m });
      while (this.events.length > 0) {
        const [id, e] = this.events.shift()!;
        this.step(id, e);
      }
      for (const id of this.nodes.keys()) this.step(id, { type: 'tick' });
    }
  }

  leaders(): RaftNode[] {
    return [...this.nodes.values()].filter((n) => n.isLeader);
  }
}

function electedLeader(c: Cluster): RaftNode {
  c.run(5000);
  const leaders = c.leaders();
  assert.equal(leaders.length, 1);
  return leaders[0];
}

test('three voters elect one leader, and appends commit and apply everywhere', () => {
  const c = new Cluster(3);
  const leader = electedLeader(c);
  for (let i = 0; i < 10; i++) c.step(leader.id, { type: 'append', appendId: i, data: new Uint8Array([i]) });
  c.run(1000);
  const results = c.actions.get(leader.id)!.filter((a) => a.type === 'appendResult');
  assert.equal(results.length, 10);
  assert.ok(results.every((r) => r.type === 'appendResult' && r.errorCode === ErrorCode.NONE));
  for (const n of c.nodes.values()) {
    assert.equal(n.highWatermark, leader.log.endOffset);
    const applied = c.actions.get(n.id)!.filter((a) => a.type === 'apply');
    assert.deepEqual(
      applied.map((a) => (a.type === 'apply' ? a.offset : -1)),
      Array.from({ length: leader.log.endOffset }, (_, i) => i),
    );
  }
});

test('pre-vote: a voter cut off for a while cannot disrupt the leader when it returns', () => {
  const c = new Cluster(3);
  const leader = electedLeader(c);
  const epoch = leader.epoch;
  const follower = [...c.nodes.values()].find((n) => n !== leader)!;
  c.isolate(follower.id);
  c.run(8000);
  assert.equal(follower.epoch, epoch, 'pre-votes that fail do not bump the epoch');
  assert.equal(follower.role, 'prospective');
  c.heal();
  c.run(3000);
  assert.ok(leader.isLeader);
  assert.equal(leader.epoch, epoch);
  assert.equal(follower.role, 'follower');
  assert.equal(follower.leaderId, leader.id);
});

test('check-quorum: a leader cut off from its majority resigns and the others elect a new one', () => {
  const c = new Cluster(3);
  const leader = electedLeader(c);
  const epoch = leader.epoch;
  c.isolate(leader.id);
  c.run(DEFAULT_CONFIG.fetchTimeoutMs * 1.5 + 50);
  assert.equal(leader.isLeader, false, 'resigned within 1.5 fetch timeouts');
  c.run(5000);
  const others = c.leaders();
  assert.equal(others.length, 1);
  assert.notEqual(others[0].id, leader.id);
  assert.ok(others[0].epoch > epoch);
});

test('back-pressure: appends beyond maxPendingAppends are refused while the quorum cannot commit', () => {
  const c = new Cluster(3, { maxPendingAppends: 4 });
  const leader = electedLeader(c);
  c.isolate(leader.id);
  for (let i = 0; i < 5; i++) c.step(leader.id, { type: 'append', appendId: i, data: new Uint8Array([i]) });
  const refused = c.actions.get(leader.id)!.filter((a) => a.type === 'appendResult');
  assert.deepEqual(
    refused.map((a) => (a.type === 'appendResult' ? [a.appendId, a.errorCode] : [])),
    [[4, ErrorCode.THROTTLING_QUOTA_EXCEEDED]],
  );
});

test('a follower behind the leader log start catches up from a snapshot (FetchSnapshot)', () => {
  const c = new Cluster(3, { snapshotIntervalEntries: 10, snapshotChunkBytes: 2 });
  const leader = electedLeader(c);
  const follower = [...c.nodes.values()].find((n) => n !== leader)!;
  c.isolate(follower.id);
  for (let i = 0; i < 30; i++) c.step(leader.id, { type: 'append', appendId: i, data: new Uint8Array([i]) });
  c.run(500);
  assert.ok(leader.log.logStartOffset > follower.log.endOffset, 'the leader dropped what the follower lacks');
  c.heal();
  c.run(3000);
  const installs = c.actions.get(follower.id)!.filter((a) => a.type === 'installSnapshot');
  assert.equal(installs.length, 1);
  assert.equal(follower.highWatermark, leader.highWatermark);
  assert.equal(follower.log.endOffset, leader.log.endOffset);
});
