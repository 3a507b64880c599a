export interface ConsumerRecord<K, V> {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
  /** 0 CreateTime, 1 LogAppendTime */
  timestampType: number;
  leaderEpoch: number;
  key: K | null;
  value: V | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export function tpKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
