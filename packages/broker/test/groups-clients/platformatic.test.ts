import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Consumer,
  type ConsumerGroupJoinPayload,
  type Message,
  MessagesStreamModes,
  stringDeserializers,
} from '@platformatic/kafka';
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
  waitFor,
} from './group-helpers.js';

/**
 * @platformatic/kafka 1.x consumers (its own JoinGroup/SyncGroup/Heartbeat
 * loop and client-side assignor) in a Fluxo group: two members share a
 * 4-partition topic, commit every record explicitly, and a later member
 * resumes from the committed offsets.
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

interface Member {
  readonly consumer: Consumer<string, string, string, string>;
  readonly records: Message<string, string, string, string>[];
  readonly commits: Promise<void>[];
  /** Partitions of the latest SyncGroup assignment. */
  partitions(): number[];
  /** Every assignment received, for failure messages. */
  readonly history: string[];
  /** Fetch responses the stream has handled. */
  fetches(): number;
  close(): Promise<void>;
}

async function startMember(groupId: string, topic: string): Promise<Member> {
  const consumer = new Consumer({
    clientId: 'plat-it',
    groupId,
    bootstrapBrokers: [broker.bootstrap],
    deserializers: stringDeserializers,
    sessionTimeout: 6000,
    heartbeatInterval: 100,
    maxWaitTime: 100,
  });
  let latest: number[] = [];
  const history: string[] = [];
  consumer.on('consumer:group:join', (payload: ConsumerGroupJoinPayload) => {
    latest = (payload.assignments ?? []).flatMap((a) => (a.topic === topic ? a.partitions : [])).sort();
    history.push(`generation ${payload.generationId}: ${latest}`);
  });
  const stream = await consumer.consume({
    topics: [topic],
    mode: MessagesStreamModes.COMMITTED,
    fallbackMode: 'earliest',
    autocommit: false,
  });
  let fetches = 0;
  stream.on('fetch', () => {
    fetches++;
  });
  const records: Message<string, string, string, string>[] = [];
  const commits: Promise<void>[] = [];
  stream.on('data', (message: Message<string, string, string, string>) => {
    records.push(message);
    commits.push(message.commit() as Promise<void>);
  });
  return {
    consumer,
    records,
    commits,
    partitions: () => latest,
    history,
    fetches: () => fetches,
    close: async () => {
      await stream.close();
      await consumer.close();
    },
  };
}

describe('@platformatic/kafka consumer groups', { timeout: SUITE_TIMEOUT_MS }, () => {
  it('two members share 4 partitions 2+2, commit every record, and a new member resumes', async () => {
    const topic = 'plat-shared';
    const group = 'plat-group';
    await createTopic(kafka, topic, PARTITIONS);
    const members: Member[] = [];
    try {
      members.push(await startMember(group, topic));
      await waitFor('the first member to own all partitions', () => members[0]!.partitions().length === PARTITIONS);
      members.push(await startMember(group, topic));
      await waitFor('both members to own half', () => members.every((m) => m.partitions().length === PARTITIONS / 2));
      const owned = members.map((m) => m.partitions());
      assert.deepEqual([...owned[0]!, ...owned[1]!].sort(), [0, 1, 2, 3]);
      // @platformatic/kafka 1.x keeps the records of a fetch sent before the rebalance, even for partitions
      // it has since lost (Fetch is not fenced by group membership, in Kafka either). It has at most one
      // fetch in flight per broker, so the second fetch to finish from now on was sent under the new assignment.
      const marks = members.map((m) => m.fetches());
      await waitFor('a fetch under the new assignment', () => members.every((m, i) => m.fetches() >= marks[i]! + 2));

      await produceSpread(kafka, topic, PARTITIONS, RECORDS);
      await waitFor(`${RECORDS} records`, () => members[0]!.records.length + members[1]!.records.length >= RECORDS);
      for (const [i, m] of members.entries()) {
        await Promise.all(m.commits);
        const mine = new Set(owned[i]);
        const expected = Array.from({ length: RECORDS }, (_, n) => n)
          .filter((n) => mine.has(n % PARTITIONS))
          .map((n) => recordValue(topic, n))
          .sort();
        assert.deepEqual(
          m.records.map((r) => r.value).sort(),
          expected,
          `member ${i} reads exactly partitions ${owned[i]}; assignments: ${members.map((x) => x.history.join(' | ')).join(' / ')}; got partitions ${[...new Set(m.records.map((r) => r.partition))]}`,
        );
      }
      assert.deepEqual(await committedOffsets(kafka, group, topic), Array(PARTITIONS).fill(RECORDS / PARTITIONS));
    } finally {
      await Promise.all(members.map((m) => m.close()));
    }

    const more = await produceSpread(kafka, topic, PARTITIONS, 40, RECORDS);
    const resumed = await startMember(group, topic);
    try {
      await waitFor('the new records', () => resumed.records.length >= more.length);
      await new Promise((resolve) => setTimeout(resolve, 300)); // would catch re-delivered old records
      assert.deepEqual(resumed.records.map((r) => r.value).sort(), [...more].sort());
    } finally {
      await resumed.close();
    }
  });
});
