import { type ChildProcess, spawn } from 'node:child_process';
import kafkajs from 'kafkajs';
import { type RunningBroker, startBroker } from '../integration/harness.js';

/**
 * Shared pieces of the consumer-group tests with real clients: a broker tuned
 * for fast rebalances, topic and record set-up through kafkajs, and child
 * processes (kcat, python) whose output lines the test watches.
 */
const { Kafka, logLevel } = kafkajs;

/** No initial-rebalance wait, short sessions allowed, few offsets partitions: fast and deterministic. */
export const GROUP_TEST_SETTINGS: Record<string, string> = {
  'group.initial.rebalance.delay.ms': '0',
  'group.min.session.timeout.ms': '1000',
  'offsets.topic.num.partitions': '3',
};

export function startGroupBroker(): Promise<RunningBroker> {
  return startBroker(GROUP_TEST_SETTINGS);
}

export function kafkaFor(broker: RunningBroker, clientId = 'groups-it'): kafkajs.Kafka {
  return new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
}

export async function createTopic(kafka: kafkajs.Kafka, topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** The value of record `i`: unique, so duplicates and losses show. */
export const recordValue = (topic: string, i: number) => `${topic}-${i}`;

/** Writes `count` records, record i to partition i % partitions; returns the values. */
export async function produceSpread(
  kafka: kafkajs.Kafka,
  topic: string,
  partitions: number,
  count: number,
  first = 0,
): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values: string[] = [];
  try {
    const messages = Array.from({ length: count }, (_, k) => {
      const i = first + k;
      values.push(recordValue(topic, i));
      return { partition: i % partitions, value: recordValue(topic, i) };
    });
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
  return values;
}

/** Committed offset per partition of `topic` for `groupId` (-1 when none). */
export async function committedOffsets(kafka: kafkajs.Kafka, groupId: string, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry!.partitions.sort((a, b) => a.partition - b.partition).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A child process whose stdout and stderr lines are collected as they arrive. */
export class WatchedProcess {
  readonly stdoutLines: string[] = [];
  readonly stderrLines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(file: string, args: string[]) {
    this.child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    collectLines(this.child.stdout!, this.stdoutLines);
    collectLines(this.child.stderr!, this.stderrLines);
  }

  write(text: string): void {
    this.child.stdin!.write(text);
  }

  signal(name: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(name);
  }

  /** Stops the process if a test failed half-way; SIGKILL after a grace period. */
  async stop(graceMs = 5_000): Promise<void> {
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

function collectLines(stream: NodeJS.ReadableStream, into: string[]): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (text: string) => {
    pending += text;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    into.push(...lines);
  });
}

/** Groups `items` by key, keeping arrival order inside each group. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

/** A hung client fails its suite instead of the whole run. */
export const SUITE_TIMEOUT_MS = 90_000;
