/**
 * The key/value records of `__consumer_offsets`, in Kafka's own formats
 * (../shared/kafka-protocol/coordinator): a record key or value is an int16
 * schema version followed by the struct. A null value is a tombstone.
 *   key v0/v1: OffsetCommitKey (group, topic, partition)   value: OffsetCommitValue
 *   key v2:    GroupMetadataKey (group)                     value: GroupMetadataValue
 * Versions written are the ones Kafka 3.x/4.0 write for classic groups.
 */
import {
  GroupMetadataKey,
  GroupMetadataValue,
  OffsetCommitKey,
  OffsetCommitValue,
  Reader,
  Writer,
} from '@fluxo/protocol';

const OFFSET_KEY_VERSION = 1;
const OFFSET_VALUE_VERSION = 3;
const GROUP_KEY_VERSION = 2;
const GROUP_VALUE_VERSION = 3;

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: bigint;
}

export type GroupMetadata = GroupMetadataValue.GroupMetadataValueData;

export type ConsumerOffsetsRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset | null }
  | { kind: 'group'; group: string; value: GroupMetadata | null }
  /** A record type this version does not know (e.g. the new consumer protocol's); skipped on load. */
  | { kind: 'unknown'; keyVersion: number };

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.writeInt16(version);
  write(w);
  return w.toBuffer();
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return versioned(OFFSET_KEY_VERSION, (w) =>
    OffsetCommitKey.encode(w, OffsetCommitKey.create({ group, topic, partition }), OFFSET_KEY_VERSION),
  );
}

export function offsetCommitValue(value: CommittedOffset): Buffer {
  return versioned(OFFSET_VALUE_VERSION, (w) =>
    OffsetCommitValue.encode(
      w,
      OffsetCommitValue.create({
        offset: value.offset,
        leaderEpoch: value.leaderEpoch,
        metadata: value.metadata,
        commitTimestamp: value.commitTimestampMs,
      }),
      OFFSET_VALUE_VERSION,
    ),
  );
}

export function groupMetadataKey(group: string): Buffer {
  return versioned(GROUP_KEY_VERSION, (w) =>
    GroupMetadataKey.encode(w, GroupMetadataKey.create({ group }), GROUP_KEY_VERSION),
  );
}

export function groupMetadataValue(value: GroupMetadata): Buffer {
  return versioned(GROUP_VALUE_VERSION, (w) => GroupMetadataValue.encode(w, value, GROUP_VALUE_VERSION));
}

/** Decodes one record; throws ProtocolDecodeError on malformed bytes of a known type. */
export function decodeConsumerOffsetsRecord(key: Buffer, value: Buffer | null): ConsumerOffsetsRecord {
  const kr = new Reader(key);
  const keyVersion = kr.readInt16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = OffsetCommitKey.decode(kr, keyVersion);
    if (value === null) return { kind: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: null };
    const vr = new Reader(value);
    const v = OffsetCommitValue.decode(vr, vr.readInt16());
    return {
      kind: 'offset',
      group: k.group,
      topic: k.topic,
      partition: k.partition,
      value: {
        offset: v.offset,
        leaderEpoch: v.leaderEpoch,
        metadata: v.metadata,
        commitTimestampMs: v.commitTimestamp,
      },
    };
  }
  if (keyVersion === 2) {
    const k = GroupMetadataKey.decode(kr, keyVersion);
    if (value === null) return { kind: 'group', group: k.group, value: null };
    const vr = new Reader(value);
    return { kind: 'group', group: k.group, value: GroupMetadataValue.decode(vr, vr.readInt16()) };
  }
  return { kind: 'unknown', keyVersion };
}
