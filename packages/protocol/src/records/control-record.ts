import { encodeRecordBatch } from './batch-encode.js';
import type { DecodedRecord } from './record.js';
import { RecordBatchError } from './record-batch-error.js';

/**
 * Control records (in batches with the control attribute): the key is
 * version int16 + type int16; for transaction markers the value is
 * version int16 + coordinatorEpoch int32 (Kafka's EndTransactionMarker).
 */
export const ControlRecordType = {
  abort: 0,
  commit: 1,
  leaderChange: 2,
  snapshotHeader: 3,
  snapshotFooter: 4,
  kraftVersion: 5,
  kraftVoters: 6,
} as const;

const CONTROL_KEY_VERSION = 0;
const MARKER_VALUE_VERSION = 0;
const CONTROL_KEY_BYTES = 4;
const MARKER_VALUE_BYTES = 6;

export function encodeControlKey(type: number): Buffer {
  const key = Buffer.allocUnsafe(CONTROL_KEY_BYTES);
  key.writeInt16BE(CONTROL_KEY_VERSION, 0);
  key.writeInt16BE(type, 2);
  return key;
}

/** The control type of a record in a control batch (Java reads version and type, ignoring any extra bytes). */
export function readControlType(record: Pick<DecodedRecord, 'key'>): { version: number; type: number } {
  const { key } = record;
  if (key === null || key.length < CONTROL_KEY_BYTES) {
    throw new RecordBatchError(
      'invalid-record',
      `control record key has ${key?.length ?? 'null'} bytes, need ${CONTROL_KEY_BYTES}`,
    );
  }
  return { version: key.readInt16BE(0), type: key.readInt16BE(2) };
}

export interface EndTransactionMarker {
  type: typeof ControlRecordType.abort | typeof ControlRecordType.commit;
  coordinatorEpoch: number;
}

export function encodeMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.allocUnsafe(MARKER_VALUE_BYTES);
  value.writeInt16BE(MARKER_VALUE_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

/** Reads a commit/abort marker from a control record. */
export function readEndTransactionMarker(record: Pick<DecodedRecord, 'key' | 'value'>): EndTransactionMarker {
  const { type } = readControlType(record);
  if (type !== ControlRecordType.abort && type !== ControlRecordType.commit) {
    throw new RecordBatchError('invalid-record', `control record type ${type} is not a transaction marker`);
  }
  const { value } = record;
  if (value === null || value.length < MARKER_VALUE_BYTES) {
    throw new RecordBatchError(
      'invalid-record',
      `transaction marker value has ${value?.length ?? 'null'} bytes, need ${MARKER_VALUE_BYTES}`,
    );
  }
  return { type, coordinatorEpoch: value.readInt32BE(2) };
}

export interface MarkerBatchInit {
  type: EndTransactionMarker['type'];
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  timestamp: bigint;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** A transactional control batch holding one commit or abort marker, as the transaction coordinator writes. */
export function encodeEndTransactionMarkerBatch(init: MarkerBatchInit): Buffer {
  return encodeRecordBatch({
    ...(init.baseOffset === undefined ? {} : { baseOffset: init.baseOffset }),
    ...(init.partitionLeaderEpoch === undefined ? {} : { partitionLeaderEpoch: init.partitionLeaderEpoch }),
    isTransactional: true,
    isControl: true,
    producerId: init.producerId,
    producerEpoch: init.producerEpoch,
    baseTimestamp: init.timestamp,
    records: [
      { key: encodeControlKey(init.type), value: encodeMarkerValue(init.coordinatorEpoch), timestamp: init.timestamp },
    ],
  });
}
