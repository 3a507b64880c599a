import { Consumer, type ConsumerConfig, type ConsumerRecord, Producer } from '../../src/index.js';

/** Polls each consumer in turn until `done()` or the deadline; collects what each one got. */
export async function pollAll<K, V>(
  consumers: readonly Consumer<K, V>[],
  done: (got: ConsumerRecord<K, V>[][]) => boolean,
  timeoutMs: number,
  pollMs = 100,
): Promise<ConsumerRecord<K, V>[][]> {
  const got: ConsumerRecord<K, V>[][] = consumers.map(() => []);
  const deadline = performance.now() + timeoutMs;
  while (!done(got)) {
    if (performance.now() > deadline) {
      throw new Error(
        `timed out: got ${got.map((g) => g.length).join(', ')} records; assignments ${consumers.map((c) => c.assignment().length).join(', ')}`,
      );
    }
    // Poll concurrently: a rebalance waits for every member to rejoin.
    const batches = await Promise.all(consumers.map((c) => c.poll(pollMs)));
    for (const [i, batch] of batches.entries()) got[i]!.push(...batch);
  }
  return got;
}

/** Polls until every consumer's assignment satisfies `ok` (rebalances complete inside poll). */
export async function pollUntilAssigned<K, V>(
  consumers: readonly Consumer<K, V>[],
  ok: (sizes: number[]) => boolean,
  timeoutMs: number,
): Promise<ConsumerRecord<K, V>[][]> {
  return pollAll(consumers, () => ok(consumers.map((c) => c.assignment().length)), timeoutMs);
}

export async function produceNumbers(
  bootstrap: string,
  topic: string,
  from: number,
  count: number,
  partitions: number,
): Promise<void> {
  const producer = new Producer<null, number>({ bootstrapServers: bootstrap, valueSerializer: 'integer' });
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      producer.send({ topic, value: from + i, partition: (from + i) % partitions }),
    ),
  );
  await producer.close();
}

/** A group consumer with test-friendly timings (fast heartbeats and metadata). */
export function groupConsumer(
  bootstrap: string,
  groupId: string,
  extra: Partial<ConsumerConfig<Buffer, number>> = {},
): Consumer<Buffer, number> {
  return new Consumer<Buffer, number>({
    bootstrapServers: bootstrap,
    groupId,
    valueDeserializer: 'integer',
    autoOffsetReset: 'earliest',
    heartbeatIntervalMs: 100,
    sessionTimeoutMs: 6000,
    fetchMaxWaitMs: 100,
    ...extra,
  });
}

export const values = <K, V>(records: readonly ConsumerRecord<K, V>[]): V[] => records.map((r) => r.value as V);
