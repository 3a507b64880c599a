/**
 * The seed scenario of issue #4 with a real client (kafkajs, round-robin
 * assignor): how a topic's partitions are shared as members come and go,
 * crash or close, and that a second group reads everything independently.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import kafkajs from 'kafkajs';
import { removeDir, type RunningBroker, startBroker } from '../integration/harness.js';

const { Kafka, logLevel } = kafkajs;
const SESSION_TIMEOUT_MS = 3_000;
const MEMBER_SCRIPT = fileURLToPath(new URL('./kafkajs-member.js', import.meta.url));

let broker: RunningBroker;
let kafka: kafkajs.Kafka;
/** Every consumer started, so a failed test still closes them all. */
const everyMember: Member[] = [];

/** Polls until `check` holds (or fails with `what`). */
async function eventually(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Member {
  consumer: kafkajs.Consumer;
  /** Partitions of the last assignment received. */
  partitions: number[];
  received: { partition: number; offset: string }[];
}

async function member(groupId: string, topic: string): Promise<Member> {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: SESSION_TIMEOUT_MS,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
  });
  const m: Member = { consumer, partitions: [], received: [] };
  everyMember.push(m);
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    m.partitions = [...(event.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      m.received.push({ partition, offset: message.offset });
    },
  });
  return m;
}

const shares = (members: Member[]) => members.map((m) => m.partitions.length).sort();
const union = (members: Member[]) => members.flatMap((m) => m.partitions).sort((a, b) => a - b);
/** True when the members' latest assignments have these sizes and together cover T1's four partitions once. */
const settled = (members: Member[], sizes: string) =>
  shares(members).join() === sizes && union(members).join() === '0,1,2,3';

before(async () => {
  broker = await startBroker({
    'group.initial.rebalance.delay.ms': '0',
    'group.min.session.timeout.ms': '1000',
    'offsets.topic.num.partitions': '3',
  });
  kafka = new Kafka({ clientId: 'seed-scenario', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'T1', numPartitions: 4 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: 'T1',
    messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 4 })),
  });
  await producer.disconnect();
});

after(async () => {
  await Promise.all(everyMember.map((m) => m.consumer.disconnect().catch(() => {})));
  await broker.stop();
  removeDir(broker.dataDir);
});

describe('seed scenario (kafkajs)', () => {
  test('G1 shares T1: 1 member 4, 2 members 2+2, 4 members 1 each, a 5th idle; G2 reads everything', async () => {
    const g1: Member[] = [await member('G1', 'T1')];
    await eventually('one member owns all four partitions', () => g1[0]!.partitions.length === 4);
    await eventually('the only member reads every record', () => g1[0]!.received.length === 40);

    g1.push(await member('G1', 'T1'));
    await eventually('2 + 2', () => settled(g1, '2,2'));

    g1.push(await member('G1', 'T1'), await member('G1', 'T1'));
    await eventually('1 each', () => settled(g1, '1,1,1,1'));

    g1.push(await member('G1', 'T1'));
    await eventually('a fifth member stays idle', () => settled(g1, '0,1,1,1,1'));

    const g2 = await member('G2', 'T1');
    await eventually('G2 reads all 40 records regardless of G1', () => g2.received.length === 40);
    assert.equal(new Set(g2.received.map((r) => `${r.partition}/${r.offset}`)).size, 40);

    await Promise.all([...g1, g2].map((m) => m.consumer.disconnect()));
  });

  test('a crashed member (no leave) loses its partitions after the session timeout; a clean close moves them at once', async () => {
    const survivor = await member('G3', 'T1');
    await eventually('the first member owns all four', () => survivor.partitions.length === 4);

    const child = spawn(process.execPath, [MEMBER_SCRIPT, broker.bootstrap, 'G3', 'T1', String(SESSION_TIMEOUT_MS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    after(() => child.kill('SIGKILL'));
    let childAssignments = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      childAssignments += chunk.toString();
    });
    await eventually('the child member takes half', () => survivor.partitions.length === 2);
    await eventually('the child reported its half', () => /\[(\d,){1}\d\]/.test(childAssignments));

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await eventually('the survivor gets everything back', () => survivor.partitions.length === 4, 20_000);
    const crashMoveMs = Date.now() - killedAt;
    assert.ok(
      crashMoveMs >= SESSION_TIMEOUT_MS - 500,
      `partitions moved after ${crashMoveMs} ms, before the ${SESSION_TIMEOUT_MS} ms session timeout`,
    );

    const polite = await member('G3', 'T1');
    await eventually('2 + 2 again', () => settled([survivor, polite], '2,2'));
    const closedAt = Date.now();
    await polite.consumer.disconnect();
    await eventually('the survivor gets everything back', () => survivor.partitions.length === 4);
    const closeMoveMs = Date.now() - closedAt;
    assert.ok(closeMoveMs < SESSION_TIMEOUT_MS, `a clean close took ${closeMoveMs} ms to move partitions`);
    await survivor.consumer.disconnect();
  });
});
