import { ConsumerProtocolAssignment, ConsumerProtocolSubscription, Reader, Writer } from '@fluxo/protocol';
import type { TopicPartition } from './consumer-record.js';

/**
 * Kafka's ConsumerProtocol: the JoinGroup metadata and SyncGroup assignment of
 * "consumer" groups are an int16 version followed by the struct of that
 * version. We write what Java 3.x writes (subscription v3, assignment v3).
 * A reader of an older client's bytes (kafkajs writes a v0/v1 layout without
 * the later fields) or a newer client's (more fields appended) reads the fields
 * it knows and ignores the rest, as Kafka's does.
 */
export const SUBSCRIPTION_VERSION = 3;
export const ASSIGNMENT_VERSION = 3;
/** Largest topic/partition list we decode from another member's bytes. */
const DECODE_BYTES_MAX = 16 * 1024 * 1024;

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartition[];
  generationId: number;
  rackId: string | null;
}

export function groupByTopic(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const byTopic = new Map<string, number[]>();
  for (const tp of tps) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  return [...byTopic]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([topic, p]) => ({ topic, partitions: p.sort((x, y) => x - y) }));
}

function flatten(list: readonly { topic: string; partitions: number[] }[]): TopicPartition[] {
  return list.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
}

export function encodeSubscription(s: Subscription, version = SUBSCRIPTION_VERSION): Buffer {
  const w = new Writer();
  w.writeInt16(version);
  ConsumerProtocolSubscription.encode(
    w,
    ConsumerProtocolSubscription.create({
      topics: s.topics,
      userData: s.userData,
      ownedPartitions: groupByTopic(s.ownedPartitions),
      generationId: s.generationId,
      rackId: s.rackId,
    }),
    version,
  );
  return w.toBuffer();
}

/** Reads the version prefix and the struct; falls back to fewer fields when a writer stamped a higher version than its bytes hold. */
export function decodeSubscription(bytes: Buffer): Subscription {
  const data = decodeVersioned(bytes, ConsumerProtocolSubscription.decode, ConsumerProtocolSubscription.highestVersion);
  return {
    topics: data.topics,
    userData: data.userData,
    ownedPartitions: flatten(data.ownedPartitions),
    generationId: data.generationId,
    rackId: data.rackId,
  };
}

export function encodeAssignment(partitions: readonly TopicPartition[], userData: Buffer | null = null): Buffer {
  const w = new Writer();
  w.writeInt16(ASSIGNMENT_VERSION);
  ConsumerProtocolAssignment.encode(
    w,
    ConsumerProtocolAssignment.create({ assignedPartitions: groupByTopic(partitions), userData }),
    ASSIGNMENT_VERSION,
  );
  return w.toBuffer();
}

/** An empty buffer is an empty assignment (Kafka's coordinator sends one to members the leader gave nothing). */
export function decodeAssignment(bytes: Buffer): TopicPartition[] {
  if (bytes.length === 0) return [];
  const data = decodeVersioned(bytes, ConsumerProtocolAssignment.decode, ConsumerProtocolAssignment.highestVersion);
  return flatten(data.assignedPartitions);
}

function decodeVersioned<T>(bytes: Buffer, decode: (r: Reader, v: number) => T, highest: number): T {
  if (bytes.length < 2 || bytes.length > DECODE_BYTES_MAX)
    throw new RangeError(`consumer protocol: ${bytes.length} bytes`);
  const version = bytes.readInt16BE(0);
  if (version < 0) throw new RangeError(`consumer protocol: version ${version}`);
  let lastError: unknown = null;
  for (let v = Math.min(version, highest); v >= 0; v--) {
    try {
      return decode(new Reader(bytes.subarray(2)), v);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
