/** What send() takes. Key and value go through the configured serializers. */
export interface ProducerRecord<K, V> {
  topic: string;
  key?: K;
  value: V;
  /** Header values as strings (UTF-8) or bytes; an array keeps duplicates and order. */
  headers?: Record<string, string | Uint8Array | null> | readonly { key: string; value: string | Uint8Array | null }[];
  /** CreateTime in ms since the epoch; defaults to now. */
  timestamp?: number | bigint | Date;
  /** Forces a partition instead of the partitioner's choice. */
  partition?: number;
}

export function headerList(
  headers: ProducerRecord<unknown, unknown>['headers'],
): { key: string; value: Buffer | null }[] | undefined {
  if (headers === undefined) return undefined;
  const entries = Array.isArray(headers)
    ? (headers as { key: string; value: string | Uint8Array | null }[])
    : Object.entries(headers).map(([key, value]) => ({ key, value }));
  return entries.map(({ key, value }) => ({
    key,
    value: value === null ? null : typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value),
  }));
}

export function timestampOf(value: ProducerRecord<unknown, unknown>['timestamp'], nowMs: number): bigint {
  if (value === undefined) return BigInt(nowMs);
  if (typeof value === 'bigint') return value;
  if (value instanceof Date) return BigInt(value.getTime());
  return BigInt(Math.trunc(value));
}
