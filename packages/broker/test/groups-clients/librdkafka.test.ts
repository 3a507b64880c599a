import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type kafkajs from 'kafkajs';
import { python, type RunningBroker, removeDir } from '../integration/harness.js';
import {
  committedOffsets,
  createTopic,
  kafkaFor,
  produceSpread,
  recordValue,
  SUITE_TIMEOUT_MS,
  startGroupBroker,
  WatchedProcess,
  waitFor,
} from './group-helpers.js';

/**
 * librdkafka (python3-confluent-kafka 1.7 over librdkafka 2.0) consumer groups
 * against Fluxo: the eager `range` and `roundrobin` assignors and the
 * incremental `cooperative-sticky` one. Two members in one python process share a
 * 4-partition topic; records are written only once the group is stable, so
 * "each record once, by the owner of its partition" is exact. A third member
 * then resumes from the committed offsets.
 */
const PARTITIONS = 4;
const RECORDS = 200;

let broker: RunningBroker;
let kafka: kafkajs.Kafka;

before(async () => {
  broker = await startGroupBroker();
  kafka = kafkaFor(broker);
});
after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

// Members A then B join; the script waits until each owns half the partitions,
// then reads (from a record count the test passes) and commits synchronously.
const SHARE_SCRIPT = `
import json, sys, time
from confluent_kafka import Consumer
TOPIC, GROUP, STRATEGY, PARTITIONS, RECORDS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
events = []
def member(name):
    owned = set()
    def on_assign(c, parts):
        owned.update(p.partition for p in parts)
        events.append({'member': name, 'kind': 'assign', 'partitions': sorted(p.partition for p in parts), 'owned': sorted(owned)})
    def on_revoke(c, parts):
        owned.difference_update(p.partition for p in parts)
        events.append({'member': name, 'kind': 'revoke', 'partitions': sorted(p.partition for p in parts), 'owned': sorted(owned)})
    c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'partition.assignment.strategy': STRATEGY,
                  'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100, 'auto.offset.reset': 'earliest',
                  'enable.auto.commit': False, 'fetch.wait.max.ms': 50})
    c.subscribe([TOPIC], on_assign=on_assign, on_revoke=on_revoke)
    return c, owned
deadline = time.time() + 30
records = {'A': [], 'B': []}
def poll(name, c):
    m = c.poll(0.02)
    if m is None: return
    if m.error(): raise Exception(str(m.error()))
    records[name].append([m.partition(), m.offset(), m.value().decode()])
a, owned_a = member('A')
while len(owned_a) < PARTITIONS and time.time() < deadline: poll('A', a)
b, owned_b = member('B')
half = PARTITIONS // 2
while not (len(owned_a) == half and len(owned_b) == half) and time.time() < deadline:
    poll('A', a); poll('B', b)
print(json.dumps({'ready': True}), flush=True)
sys.stdin.readline()  # the test has written the records
while len(records['A']) + len(records['B']) < RECORDS and time.time() < deadline:
    poll('A', a); poll('B', b)
a.commit(asynchronous=False); b.commit(asynchronous=False)
final = {'A': sorted(owned_a), 'B': sorted(owned_b)}
before_close = list(events)  # close() revokes what is left
a.close(); b.close()
print(json.dumps({'events': before_close, 'records': records, 'final': final}), flush=True)
`;

// A lone member of the same group: reads what was written after the commit.
const RESUME_SCRIPT = `
import json, sys, time
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'partition.assignment.strategy': STRATEGY,
              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100, 'auto.offset.reset': 'earliest',
              'enable.auto.commit': False, 'fetch.wait.max.ms': 50})
c.subscribe([TOPIC])
got, deadline, quiet_until = [], time.time() + 20, None
while time.time() < deadline:
    m = c.poll(0.05)
    if m is not None and not m.error(): got.append([m.partition(), m.offset(), m.value().decode()])
    if len(got) >= EXPECTED and quiet_until is None: quiet_until = time.time() + 0.5  # would catch re-delivered old records
    if quiet_until is not None and time.time() > quiet_until: break
c.close()
print(json.dumps(got), flush=True)
`;

// Static membership (KIP-345): A and B have group.instance.ids; A closes (a
// static member sends no LeaveGroup) and a new consumer with A's instance id
// comes back within the session timeout.
const STATIC_SCRIPT = `
import json, time
from confluent_kafka import Consumer
events = []
def member(name, instance):
    owned = set()
    def on_assign(c, parts):
        owned.update(p.partition for p in parts); events.append([name, 'assign', sorted(owned)])
    def on_revoke(c, parts):
        owned.difference_update(p.partition for p in parts); events.append([name, 'revoke', sorted(owned)])
    c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'group.instance.id': instance,
                  'partition.assignment.strategy': 'range', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100})
    c.subscribe([TOPIC], on_assign=on_assign, on_revoke=on_revoke)
    return c, owned
deadline = time.time() + 30
a, owned_a = member('A', 'static-a')
while len(owned_a) < 4 and time.time() < deadline: a.poll(0.02)
b, owned_b = member('B', 'static-b')
while not (len(owned_a) == 2 and len(owned_b) == 2) and time.time() < deadline: a.poll(0.02); b.poll(0.02)
before = {'A': sorted(owned_a), 'B': sorted(owned_b)}
a.close()
mark = len(events)
a2, owned_a2 = member('A2', 'static-a')
while len(owned_a2) < 2 and time.time() < deadline: a2.poll(0.02); b.poll(0.02)
quiet_until = time.time() + 1.0  # time for B to see a rebalance, if one were started
while time.time() < quiet_until: a2.poll(0.02); b.poll(0.02)
print(json.dumps({'before': before, 'A2': sorted(owned_a2), 'B': sorted(owned_b), 'after': events[mark:]}))
b.close(); a2.close()
`;

type Rec = [partition: number, offset: number, value: string];
interface ShareResult {
  events: { member: 'A' | 'B'; kind: 'assign' | 'revoke'; partitions: number[]; owned: number[] }[];
  records: { A: Rec[]; B: Rec[] };
  final: { A: number[]; B: number[] };
}

async function runShare(topic: string, group: string, strategy: string): Promise<ShareResult> {
  await createTopic(kafka, topic, PARTITIONS);
  const code = `BOOTSTRAP = ${JSON.stringify(broker.bootstrap)}\n${SHARE_SCRIPT}`;
  const args = ['-c', code, topic, group, strategy, String(PARTITIONS), String(RECORDS)];
  const py = new WatchedProcess('/usr/bin/python3', args);
  try {
    let exitCode: number | null | undefined;
    void py.exited.then((c) => {
      exitCode = c;
    });
    await waitFor('both members to own half the partitions', () => {
      if (exitCode !== undefined) assert.fail(`python exited (${exitCode}): ${py.stderrLines.join('\n')}`);
      return py.stdoutLines.some((l) => l.includes('"ready"'));
    });
    await produceSpread(kafka, topic, PARTITIONS, RECORDS);
    py.write('go\n');
    assert.equal(await py.exited, 0, py.stderrLines.join('\n'));
  } finally {
    await py.stop();
  }
  return JSON.parse(py.stdoutLines.at(-1)!) as ShareResult;
}

/** Both members own half the partitions, disjoint; each read exactly its partitions' records, once. */
function assertShared(topic: string, result: ShareResult): void {
  const { A, B } = result.final;
  assert.equal(A.length, PARTITIONS / 2, `A owns ${A}`);
  assert.equal(B.length, PARTITIONS / 2, `B owns ${B}`);
  assert.deepEqual([...A, ...B].sort(), [0, 1, 2, 3]);
  for (const name of ['A', 'B'] as const) {
    const owned = new Set(result.final[name]);
    const expected = Array.from({ length: RECORDS }, (_, i) => i)
      .filter((i) => owned.has(i % PARTITIONS))
      .map((i) => recordValue(topic, i))
      .sort();
    const got = result.records[name].map((r) => r[2]).sort();
    assert.deepEqual(got, expected, `member ${name} reads exactly the records of partitions ${[...owned]}`);
  }
}

async function assertResumes(topic: string, group: string, strategy: string): Promise<void> {
  const perPartition = RECORDS / PARTITIONS;
  assert.deepEqual(await committedOffsets(kafka, group, topic), Array(PARTITIONS).fill(perPartition));
  const more = await produceSpread(kafka, topic, PARTITIONS, 40, RECORDS);
  const params = `TOPIC, GROUP, STRATEGY, EXPECTED = ${JSON.stringify([topic, group, strategy, more.length])}`;
  const r = await python(broker.bootstrap, `${params}\n${RESUME_SCRIPT}`);
  assert.equal(r.code, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim()) as Rec[];
  assert.deepEqual(got.map((x) => x[2]).sort(), [...more].sort(), 'only records after the committed offsets');
  for (const [partition, offset] of got) assert.ok(offset >= perPartition, `p${partition} offset ${offset}`);
}

describe('librdkafka consumer groups (python confluent-kafka)', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('range: two members split 4 partitions 2+2, read every record once, commit, and a new member resumes', async () => {
    const result = await runShare('py-range', 'py-range-group', 'range');
    assertShared('py-range', result);
    // Eager protocol: when B joins, A gives up everything before getting its half back.
    const aRevokes = result.events.filter((e) => e.member === 'A' && e.kind === 'revoke');
    assert.ok(aRevokes.length > 0);
    assert.deepEqual(aRevokes[0]!.partitions, [0, 1, 2, 3]);
    const ranges = [result.final.A, result.final.B].sort((x, y) => x[0]! - y[0]!);
    assert.deepEqual(
      ranges,
      [
        [0, 1],
        [2, 3],
      ],
      'range hands out contiguous halves',
    );
    await assertResumes('py-range', 'py-range-group', 'range');
  });

  it('roundrobin: two members get alternate partitions and read every record once', async () => {
    const result = await runShare('py-rr', 'py-rr-group', 'roundrobin');
    assertShared('py-rr', result);
    const shares = [result.final.A, result.final.B].sort((x, y) => x[0]! - y[0]!);
    assert.deepEqual(
      shares,
      [
        [0, 2],
        [1, 3],
      ],
      'round-robin deals partitions in turn',
    );
  });

  it('static membership: a member restarted with its group.instance.id gets its partitions back, no rebalance', async () => {
    const topic = 'py-static';
    await createTopic(kafka, topic, PARTITIONS);
    const params = `TOPIC, GROUP = ${JSON.stringify([topic, 'py-static-group'])}`;
    const r = await python(broker.bootstrap, `${params}\n${STATIC_SCRIPT}`);
    assert.equal(r.code, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim()) as {
      before: { A: number[]; B: number[] };
      A2: number[];
      B: number[];
      after: [string, string, number[]][];
    };
    assert.equal(got.before.A.length, 2);
    assert.deepEqual(got.A2, got.before.A, 'the returning instance gets its old partitions');
    assert.deepEqual(got.B, got.before.B);
    assert.deepEqual(got.after, [['A2', 'assign', got.before.A]], 'B saw no revocation or assignment');
  });

  it('cooperative-sticky: the first member keeps half its partitions while the second joins', async () => {
    const result = await runShare('py-coop', 'py-coop-group', 'cooperative-sticky');
    assertShared('py-coop', result);
    const aEvents = result.events.filter((e) => e.member === 'A');
    assert.deepEqual(aEvents[0], { member: 'A', kind: 'assign', partitions: [0, 1, 2, 3], owned: [0, 1, 2, 3] });
    const revokes = aEvents.filter((e) => e.kind === 'revoke');
    assert.equal(revokes.length, 1, `one incremental revocation: ${JSON.stringify(result.events)}`);
    assert.equal(revokes[0]!.partitions.length, 2, 'only the partitions B takes');
    for (const e of aEvents) assert.ok(e.owned.length >= 2, `A never loses all its partitions: ${JSON.stringify(e)}`);
    await assertResumes('py-coop', 'py-coop-group', 'cooperative-sticky');
  });
});
