import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, PartitionAssigners } from 'kafkajs';
import { Admin } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { groupConsumer, pollAll, produceNumbers, values } from './group-helpers.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const PARTITIONS = 4;
const COUNT = 40;
const PYTHON = '/usr/bin/python3';

/**
 * A librdkafka group member (confluent-kafka): prints "assigned <n>" /
 * "revoked <n>" at each (incremental, for cooperative-sticky) assignment change
 * and each record's int32 value, until stdin closes.
 */
const RDKAFKA_MEMBER = `
import sys, threading
from confluent_kafka import Consumer
bootstrap, group, topic, strategy = sys.argv[1:5]
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'auto.offset.reset': 'earliest',
              'partition.assignment.strategy': strategy, 'enable.auto.commit': False,
              'session.timeout.ms': 6000, 'heartbeat.interval.ms': 100, 'fetch.wait.max.ms': 100})
def on_assign(consumer, partitions):
    print('assigned %d' % len(partitions), flush=True)
def on_revoke(consumer, partitions):
    print('revoked %d' % len(partitions), flush=True)
c.subscribe([topic], on_assign=on_assign, on_revoke=on_revoke)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
while not stop.is_set():
    m = c.poll(0.1)
    if m is None or m.error():
        continue
    print(int.from_bytes(m.value(), 'big', signed=True), flush=True)
c.close()
`;

async function hasConfluentKafka(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

describe('mixed consumer groups: our consumer with kafkajs and with librdkafka', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    broker = await BrokerProcess.start(undefined, ['group.initial.rebalance.delay.ms=0']);
    admin = new Admin({ bootstrapServers: broker.bootstrap });
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('kafkajs and our consumer share a topic (roundrobin); every record is read once', async () => {
    const topic = 'mixed-kafkajs';
    await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
    const kafka = new Kafka({ brokers: [broker.bootstrap], clientId: 'kafkajs-member', logLevel: logLevel.NOTHING });
    // kafkajs names its round-robin protocol "RoundRobinAssigner"; Kafka's name is "roundrobin".
    const kafkajsRoundRobin: typeof PartitionAssigners.roundRobin = (config) => ({
      ...PartitionAssigners.roundRobin(config),
      name: 'roundrobin',
    });
    const theirs = kafka.consumer({
      groupId: 'g-mixed-kafkajs',
      partitionAssigners: [kafkajsRoundRobin],
      heartbeatInterval: 100,
      sessionTimeout: 6000,
      maxWaitTimeInMs: 100,
    });
    let theirPartitions = 0;
    theirs.on(theirs.events.GROUP_JOIN, (e) => {
      theirPartitions = Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0);
    });
    const theirValues: number[] = [];
    await theirs.connect();
    await theirs.subscribe({ topic, fromBeginning: true });
    await theirs.run({
      eachMessage: async ({ message }) => {
        theirValues.push(message.value!.readInt32BE(0));
      },
    });
    const ours = groupConsumer(broker.bootstrap, 'g-mixed-kafkajs', {
      partitionAssignmentStrategy: ['roundrobin'],
      enableAutoCommit: false,
    });
    ours.subscribe([topic]);
    try {
      const got = await pollAll([ours], () => ours.assignment().length === 2 && theirPartitions === 2, 30_000);
      await produceNumbers(broker.bootstrap, topic, 0, COUNT, PARTITIONS);
      const more = await pollAll([ours], (g) => g[0]!.length + got[0]!.length + theirValues.length >= COUNT, 30_000);
      const ourValues = values([...got[0]!, ...more[0]!]);
      assert.equal(ourValues.length, COUNT / 2);
      assert.equal(theirValues.length, COUNT / 2);
      assert.deepEqual(
        [...ourValues, ...theirValues].sort((a, b) => a - b),
        Array.from({ length: COUNT }, (_, i) => i),
      );
    } finally {
      await ours.close();
      await theirs.disconnect();
    }
  });

  for (const strategy of ['range', 'roundrobin', 'cooperative-sticky'] as const) {
    it(`librdkafka and our consumer share a topic (${strategy}); every record is read once`, async (t) => {
      if (!(await hasConfluentKafka())) return t.skip('python3-confluent-kafka not installed');
      const topic = `mixed-rdkafka-${strategy}`;
      const group = `g-mixed-rdkafka-${strategy}`;
      await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
      const child: ChildProcess = spawn(PYTHON, ['-c', RDKAFKA_MEMBER, broker.bootstrap, group, topic, strategy], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      let theirPartitions = 0;
      const theirValues: number[] = [];
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const change = /^(assigned|revoked) (\d+)$/.exec(line);
        if (change === null) theirValues.push(Number(line));
        else theirPartitions += (change[1] === 'assigned' ? 1 : -1) * Number(change[2]);
      });
      const ours = groupConsumer(broker.bootstrap, group, {
        partitionAssignmentStrategy: [strategy],
        enableAutoCommit: false,
      });
      ours.subscribe([topic]);
      try {
        const got = await pollAll([ours], () => ours.assignment().length === 2 && theirPartitions === 2, 30_000);
        await produceNumbers(broker.bootstrap, topic, 0, COUNT, PARTITIONS);
        const more = await pollAll([ours], (g) => g[0]!.length + got[0]!.length + theirValues.length >= COUNT, 30_000);
        const ourValues = values([...got[0]!, ...more[0]!]);
        assert.equal(ourValues.length, COUNT / 2);
        assert.equal(theirValues.length, COUNT / 2);
        assert.deepEqual(
          [...ourValues, ...theirValues].sort((a, b) => a - b),
          Array.from({ length: COUNT }, (_, i) => i),
        );
      } finally {
        await ours.close();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin!.end();
        await exited;
      }
    });
  }
});
