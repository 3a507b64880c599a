/**
 * Bad input to the group coordinator over real sockets. A raw client (the
 * repo's own codecs; kafkajs cannot send a wrong generation on purpose) sends
 * commits for unknown partitions, with a wrong generation, as an unknown
 * member, with oversized metadata and with empty group ids, next to a kafkajs
 * consumer group that must keep consuming and committing. Then a broker whose
 * `__consumer_offsets` holds undecodable records restarts: it logs and skips
 * them, and keeps every good record, including those after the bad ones.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { offsetCommitKey, offsetCommitValue, partitionForGroup } from '@fluxo/coordinator';
import {
  ApiKey,
  BATCH_HEADER_SIZE,
  BATCH_OFFSET,
  crc32c,
  ErrorCode,
  encodeRecordBatch,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type OffsetCommitResponse,
  patchBaseOffset,
  type SyncGroupResponse,
} from '@fluxo/protocol';
import kafkajs from 'kafkajs';
import { RawClient } from '../helpers/raw-client.js';
import { type ChildBroker, HOST, removeDir, spawnBroker, startBroker, tempDir } from '../integration/harness.js';

const { Kafka, logLevel } = kafkajs;
const OFFSETS_PARTITIONS = 3;
const SETTINGS = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS),
};
const EVENTUALLY_MS = 30_000;

async function eventually(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + EVENTUALLY_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface CommitPartition {
  topic: string;
  partition: number;
  metadata?: string;
}

async function rawCommit(
  raw: RawClient,
  groupId: string,
  memberId: string,
  generationId: number,
  partitions: CommitPartition[],
): Promise<Record<string, number>> {
  const byTopic = new Map<string, CommitPartition[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p]);
  const r = await raw.request<OffsetCommitResponse.OffsetCommitResponseData>(ApiKey.OffsetCommit, 9, {
    groupId,
    generationIdOrMemberEpoch: generationId,
    memberId,
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [...byTopic].map(([name, list]) => ({
      name,
      partitions: list.map((p) => ({
        partitionIndex: p.partition,
        committedOffset: 1n,
        committedLeaderEpoch: -1,
        commitTimestamp: -1n,
        committedMetadata: p.metadata ?? '',
      })),
    })),
  });
  const out: Record<string, number> = {};
  for (const t of r.topics) for (const p of t.partitions) out[`${t.name}-${p.partitionIndex}`] = p.errorCode;
  return out;
}

function rawJoin(raw: RawClient, groupId: string, memberId: string) {
  return raw.request<JoinGroupResponse.JoinGroupResponseData>(ApiKey.JoinGroup, 9, {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('raw') }],
    reason: null,
  });
}

function rawHeartbeat(raw: RawClient, groupId: string, memberId: string, generationId: number) {
  return raw.request<HeartbeatResponse.HeartbeatResponseData>(ApiKey.Heartbeat, 4, {
    groupId,
    generationId,
    memberId,
    groupInstanceId: null,
  });
}

test('bad commits and group ids get clear errors; a kafkajs group on the same broker keeps consuming and committing', async () => {
  const broker = await startBroker(SETTINGS);
  const kafka = new Kafka({ clientId: 'bad-input', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({
    groupId: 'healthy',
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 100,
  });
  const raw = await RawClient.open(HOST, broker.port);
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] });
    await producer.connect();
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: 'events', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.add(message.value!.toString());
      },
    });
    const send = (from: number) =>
      producer.send({
        topic: 'events',
        messages: Array.from({ length: 10 }, (_, i) => ({ key: String(from + i), value: String(from + i) })),
      });
    await send(0);
    await eventually('kafkajs read the first 10', () => seen.size === 10);

    const first = await rawJoin(raw, 'raw', '');
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const joined = await rawJoin(raw, 'raw', first.memberId);
    assert.equal(joined.errorCode, ErrorCode.NONE);
    const synced = await raw.request<SyncGroupResponse.SyncGroupResponseData>(ApiKey.SyncGroup, 5, {
      groupId: 'raw',
      generationId: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
    });
    assert.equal(synced.errorCode, ErrorCode.NONE);

    const mixed = await rawCommit(raw, 'raw', joined.memberId, joined.generationId, [
      { topic: 'no-such-topic', partition: 0 },
      { topic: 'events', partition: 7 },
      { topic: 'events', partition: 0, metadata: 'm'.repeat(4_097) }, // offset.metadata.max.bytes is 4096
      { topic: 'events', partition: 1, metadata: 'fine' },
    ]);
    assert.deepEqual(mixed, {
      'no-such-topic-0': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'events-7': ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      'events-0': ErrorCode.OFFSET_METADATA_TOO_LARGE,
      'events-1': ErrorCode.NONE,
    });
    const stale = await rawCommit(raw, 'raw', joined.memberId, joined.generationId + 5, [
      { topic: 'events', partition: 0 },
    ]);
    assert.deepEqual(stale, { 'events-0': ErrorCode.ILLEGAL_GENERATION });
    const stranger = await rawCommit(raw, 'raw', 'stranger', joined.generationId, [{ topic: 'events', partition: 0 }]);
    assert.deepEqual(stranger, { 'events-0': ErrorCode.UNKNOWN_MEMBER_ID });
    const gone = await rawCommit(raw, 'never-existed', 'm', 3, [{ topic: 'events', partition: 0 }]);
    assert.deepEqual(gone, { 'events-0': ErrorCode.GROUP_ID_NOT_FOUND });
    assert.equal((await rawJoin(raw, '', '')).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal(
      (await rawHeartbeat(raw, '', joined.memberId, joined.generationId)).errorCode,
      ErrorCode.INVALID_GROUP_ID,
    );
    // The raw member is still fine, and so is the connection.
    assert.equal((await rawHeartbeat(raw, 'raw', joined.memberId, joined.generationId)).errorCode, ErrorCode.NONE);

    await send(10);
    await eventually('kafkajs read all 20', () => seen.size === 20);
    await eventually('kafkajs committed all 20', async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: 'healthy', topics: ['events'] });
      return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 20;
    });
    const [rawOffsets] = await admin.fetchOffsets({ groupId: 'raw', topics: ['events'] });
    const stored = new Map(rawOffsets!.partitions.map((p) => [p.partition, p]));
    assert.equal(stored.get(0)?.offset, '-1', 'the oversized commit was not stored');
    assert.equal(stored.get(1)?.offset, '1', 'the good partition of the mixed commit was');
    assert.equal(stored.get(1)?.metadata, 'fine');
  } finally {
    raw.close();
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

/** The offset after the last batch of a segment file (its records are written exactly as on the wire). */
function nextOffsetOf(segment: Buffer): bigint {
  let position = 0;
  let next = 0n;
  while (position + BATCH_HEADER_SIZE <= segment.length) {
    const base = segment.readBigInt64BE(position + BATCH_OFFSET.baseOffset);
    next = base + BigInt(segment.readInt32BE(position + BATCH_OFFSET.lastOffsetDelta)) + 1n;
    position += segment.readInt32BE(position + BATCH_OFFSET.batchLength) + 12;
  }
  return next;
}

/** One batch of one record, at `offset`, with a correct CRC: valid to the log, whatever the key and value say. */
function batchAt(offset: bigint, key: Buffer, value: Buffer | null): Buffer {
  const batch = encodeRecordBatch({ records: [{ key, value, timestamp: BigInt(Date.now()) }] });
  patchBaseOffset(batch, 0, offset);
  return batch;
}

/** A batch whose header and CRC are right but whose record bytes are not a record: only decoding finds out. */
function undecodableBatchAt(offset: bigint): Buffer {
  const batch = batchAt(offset, Buffer.from('k'), Buffer.from('v'));
  batch.fill(0xff, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH_OFFSET.attributes)), BATCH_OFFSET.crc);
  return batch;
}

test('undecodable __consumer_offsets records are logged and skipped at start-up; every good record loads', async () => {
  const dataDir = tempDir();
  const partition = partitionForGroup('survivor', OFFSETS_PARTITIONS);
  let after = '';
  for (let i = 0; after === ''; i++) {
    if (partitionForGroup(`after-${i}`, OFFSETS_PARTITIONS) === partition) after = `after-${i}`;
  }
  let broker: ChildBroker | undefined;
  const stop = async () => {
    if (broker === undefined) return;
    broker.child.kill('SIGTERM');
    await broker.exited;
    broker = undefined;
  };
  try {
    broker = await spawnBroker(dataDir, 0, SETTINGS);
    let kafka = new Kafka({ clientId: 'corrupt', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    let admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'ledger', numPartitions: 1 }] });
    await admin.setOffsets({ groupId: 'survivor', topic: 'ledger', partitions: [{ partition: 0, offset: '7' }] });
    await admin.disconnect();
    await stop();

    const segmentPath = join(dataDir, `__consumer_offsets-${partition}`, '00000000000000000000.log');
    let next = nextOffsetOf(readFileSync(segmentPath));
    assert.ok(next > 0n, 'the commit is in the segment');
    const append = (batch: Buffer) => {
      appendFileSync(segmentPath, batch);
      next += 1n;
    };
    // A key of a known version that ends too soon; an offset key for survivor whose value is garbage;
    // a batch whose records do not decode; then a good commit that must still load.
    append(batchAt(next, Buffer.from([0x00, 0x01, 0xff]), Buffer.from('garbage')));
    append(batchAt(next, offsetCommitKey('survivor', 'ledger', 0), Buffer.from([0x00, 0x03, 0x01])));
    append(undecodableBatchAt(next));
    append(
      batchAt(
        next,
        offsetCommitKey(after, 'ledger', 0),
        offsetCommitValue({ offset: 3n, leaderEpoch: -1, metadata: '', commitTimestampMs: BigInt(Date.now()) }),
      ),
    );

    broker = await spawnBroker(dataDir, 0, SETTINGS);
    const started = broker;
    kafka = new Kafka({ clientId: 'corrupt', brokers: [started.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    const offsetOf = async (groupId: string) =>
      (await admin.fetchOffsets({ groupId, topics: ['ledger'] }))[0]!.partitions[0]!.offset;
    assert.equal(await offsetOf('survivor'), '7', 'a garbage value does not overwrite the good commit');
    assert.equal(await offsetOf(after), '3', 'records after the bad batch load');
    await admin.setOffsets({ groupId: 'survivor', topic: 'ledger', partitions: [{ partition: 0, offset: '8' }] });
    assert.equal(await offsetOf('survivor'), '8', 'the coordinator keeps working');
    await admin.disconnect();
    await eventually('the skips are logged', () => {
      const logs = started.logs();
      return (
        (logs.match(/skipping unreadable __consumer_offsets record/g) ?? []).length >= 2 &&
        logs.includes('skipping unreadable __consumer_offsets batch')
      );
    });
  } finally {
    await stop();
    removeDir(dataDir);
  }
});
