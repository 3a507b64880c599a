import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type kafkajs from 'kafkajs';
import { type RunningBroker, removeDir } from '../integration/harness.js';
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
import { KafkaRangeAssigner, rangeAssignment } from './range-assigner.js';

/**
 * One group, two different client implementations: kafkajs (in this process)
 * and librdkafka (python confluent-kafka, a child process). They can only share
 * a group on a protocol both propose; kafkajs's built-in "RoundRobinAssigner"
 * matches nothing librdkafka offers, so kafkajs runs Kafka's range algorithm
 * under the name "range" (range-assigner.ts) and librdkafka its own "range".
 * Run in both join orders: the group leader, who computes the assignment, is
 * kafkajs in one and librdkafka in the other, so each client's subscription
 * and assignment encodings are read by the other.
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

// Prints one JSON line per assignment change and per record; on a "stop" line
// from stdin it commits synchronously, closes and exits.
const PYTHON_MEMBER = `
import json, select, sys
from confluent_kafka import Consumer
TOPIC, GROUP = sys.argv[1], sys.argv[2]
owned = set()
def say(obj): print(json.dumps(obj), flush=True)
def on_assign(c, parts):
    owned.update(p.partition for p in parts); say({'owned': sorted(owned)})
def on_revoke(c, parts):
    owned.difference_update(p.partition for p in parts); say({'owned': sorted(owned)})
c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'partition.assignment.strategy': 'range',
              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100, 'auto.offset.reset': 'earliest',
              'enable.auto.commit': False, 'fetch.wait.max.ms': 50})
c.subscribe([TOPIC], on_assign=on_assign, on_revoke=on_revoke)
while not select.select([sys.stdin], [], [], 0)[0]:
    m = c.poll(0.05)
    if m is not None and not m.error(): say({'record': [m.partition(), m.offset(), m.value().decode()]})
c.commit(asynchronous=False)
c.close()
say({'done': True})
`;

interface PythonLine {
  owned?: number[];
  record?: [number, number, string];
  done?: boolean;
}

interface KafkajsMember {
  readonly consumer: kafkajs.Consumer;
  readonly values: string[];
  partitions: number[];
  memberId: string;
  isLeader: boolean;
}

async function startKafkajs(group: string, topic: string): Promise<KafkajsMember> {
  const consumer = kafka.consumer({
    groupId: group,
    partitionAssigners: [KafkaRangeAssigner],
    sessionTimeout: 6000,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 100,
  });
  const member: KafkajsMember = { consumer, values: [], partitions: [], memberId: '', isLeader: false };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    member.partitions = [...(payload.memberAssignment[topic] ?? [])].sort();
    member.memberId = payload.memberId;
    member.isLeader = payload.isLeader;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      member.values.push(message.value!.toString());
    },
  });
  return member;
}

function startPython(group: string, topic: string) {
  const proc = new WatchedProcess('/usr/bin/python3', [
    '-c',
    `BOOTSTRAP = ${JSON.stringify(broker.bootstrap)}\n${PYTHON_MEMBER}`,
    topic,
    group,
  ]);
  const lines = () => proc.stdoutLines.map((l) => JSON.parse(l) as PythonLine);
  return {
    proc,
    lines,
    partitions: () => lines().findLast((l) => l.owned !== undefined)?.owned ?? [],
    values: () => lines().flatMap((l) => (l.record === undefined ? [] : [l.record[2]])),
  };
}

async function groupMemberIds(group: string): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([group]);
    return groups[0]!.members.map((m) => m.memberId);
  } finally {
    await admin.disconnect();
  }
}

async function shareOneGroup(first: 'kafkajs' | 'librdkafka'): Promise<void> {
  const topic = `mixed-${first}-first`;
  const group = `mixed-${first}-first-group`;
  await createTopic(kafka, topic, PARTITIONS);
  let js: KafkajsMember | undefined;
  let py: ReturnType<typeof startPython> | undefined;
  try {
    if (first === 'kafkajs') {
      js = await startKafkajs(group, topic);
      await waitFor('kafkajs to own every partition', () => js!.partitions.length === PARTITIONS);
      py = startPython(group, topic);
    } else {
      py = startPython(group, topic);
      await waitFor('librdkafka to own every partition', () => py!.partitions().length === PARTITIONS);
      js = await startKafkajs(group, topic);
    }
    const [kjs, rdk] = [js, py];
    await waitFor('both clients to own half', () => kjs.partitions.length === 2 && rdk.partitions().length === 2);
    assert.deepEqual([...kjs.partitions, ...rdk.partitions()].sort(), [0, 1, 2, 3]);
    // Whoever led, the split is Kafka's range over the sorted member ids.
    const memberIds = await groupMemberIds(group);
    assert.equal(memberIds.length, 2);
    assert.ok(memberIds.includes(kjs.memberId));
    const expected = rangeAssignment(PARTITIONS, memberIds);
    assert.deepEqual(kjs.partitions, expected.get(kjs.memberId));
    assert.deepEqual(rdk.partitions(), expected.get(memberIds.find((id) => id !== kjs.memberId)!));
    assert.equal(kjs.isLeader, first === 'kafkajs', 'the first member to join leads the group');

    await produceSpread(kafka, topic, PARTITIONS, RECORDS);
    await waitFor(`${RECORDS} records`, () => kjs.values.length + rdk.values().length >= RECORDS);
    const shares = [
      ['kafkajs', kjs.partitions, kjs.values],
      ['librdkafka', rdk.partitions(), rdk.values()],
    ] as const;
    // librdkafka leaves first, committing its half; kafkajs commits its own on disconnect.
    rdk.proc.write('stop\n');
    assert.equal(await rdk.proc.exited, 0, rdk.proc.stderrLines.join('\n'));
    await kjs.consumer.disconnect();

    for (const [name, owned, values] of shares) {
      const mine = new Set(owned);
      const want = Array.from({ length: RECORDS }, (_, n) => n)
        .filter((n) => mine.has(n % PARTITIONS))
        .map((n) => recordValue(topic, n))
        .sort();
      assert.deepEqual([...values].sort(), want, `${name} reads exactly partitions ${owned}`);
    }
    assert.deepEqual(await committedOffsets(kafka, group, topic), Array(PARTITIONS).fill(RECORDS / PARTITIONS));
  } finally {
    await js?.consumer.disconnect();
    await py?.proc.stop();
  }
}

/** kafkajs's own assigner shares no protocol name with librdkafka: the coordinator must refuse the second member. */
async function refuseDisjointProtocols(): Promise<void> {
  const topic = 'mixed-no-common-protocol';
  const group = 'mixed-no-common-protocol-group';
  await createTopic(kafka, topic, PARTITIONS);
  const py = startPython(group, topic);
  const consumer = kafka.consumer({ groupId: group, retry: { retries: 0, restartOnFailure: async () => false } });
  try {
    await waitFor('librdkafka to own every partition', () => py.partitions().length === PARTITIONS);
    let crash: (Error & { type?: string }) | undefined;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      crash = payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topic });
    await consumer.run({ eachMessage: async () => {} });
    await waitFor('the coordinator to refuse kafkajs', () => crash !== undefined);
    assert.equal(crash!.type, 'INCONSISTENT_GROUP_PROTOCOL', String(crash));
    assert.deepEqual(py.partitions(), [0, 1, 2, 3], 'the librdkafka member keeps its assignment');
  } finally {
    await consumer.disconnect();
    await py.proc.stop();
  }
}

describe('a mixed group: kafkajs and librdkafka members share partitions', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('kafkajs with its built-in RoundRobinAssigner cannot join a librdkafka range group', () =>
    refuseDisjointProtocols());
  it('kafkajs joins first and leads (its range assignment is decoded by librdkafka)', () => shareOneGroup('kafkajs'));
  it('librdkafka joins first and leads (its range assignment is decoded by kafkajs)', () =>
    shareOneGroup('librdkafka'));
});
