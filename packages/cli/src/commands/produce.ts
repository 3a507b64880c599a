// `fluxo produce`: kafka-console-producer. One record per input line, from stdin or --file.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecordMetadata } from '@fluxo/client';
import { intOpt, keyValues, stringOpt, usageError } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { loadClient } from '../cli/client-config.js';
import { connectAdmin, contextOf } from '../cli/context.js';
import { CommandError } from '../cli/exit-codes.js';
import { note, printJson } from '../cli/output.js';
import { checkFileSeparators, MissingSeparatorError, splitKey } from './key-separator.js';
import { PRODUCER_OPTIONS, producerConfig } from './producer-options.js';
import { TOPIC_OPTION, topicOf } from './topic-arg.js';

/** Records sent but not yet acknowledged before reading more input: bounds memory on big files. */
const IN_FLIGHT_RECORDS_MAX = 10_000;

interface PartitionSummary {
  partition: number;
  records: number;
  firstOffset: bigint;
  lastOffset: bigint;
}

export const produceCommand: Command = {
  spec: {
    name: 'produce',
    args: '<topic>',
    summary:
      'Send one record per line of stdin (or --file) to a topic. A line without the key separator: in a file, nothing is sent (exit 2); on stdin, the lines before it are sent and counted (exit 1).',
    options: {
      ...TOPIC_OPTION,
      file: { type: 'string', value: 'PATH', help: 'read lines from this file instead of stdin' },
      'key-separator': {
        type: 'string',
        value: 'SEP',
        help: 'split each line into key SEP value (without it, records have no key)',
      },
      header: { type: 'string', value: 'KEY=VALUE', multiple: true, help: 'a header on every record' },
      partition: { type: 'string', value: 'N', help: "send to this partition (default: the partitioner's choice)" },
      ...PRODUCER_OPTIONS,
    },
    positionals: { min: 0, max: 1 },
    examples: [
      "printf 'k1:hello\\nk2:world\\n' | fluxo produce orders --key-separator : --header source=cli",
      'fluxo produce orders --file events.txt --compression zstd --acks all',
    ],
    cluster: true,
  },
  async run(args) {
    const topic = topicOf(args);
    const separator = stringOpt(args, 'key-separator');
    if (separator === '') throw usageError(args, '--key-separator is empty');
    const headers = [...keyValues(args, 'header')].map(([key, value]) => ({ key, value }));
    const partition = intOpt(args, 'partition', 0, 1_000_000);
    const ctx = contextOf(args);
    const config = producerConfig(ctx, args);
    const file = stringOpt(args, 'file');
    const input = file === undefined ? process.stdin : createReadStream(file);
    // Fail on a missing file, or a bad line in it, before touching the cluster.
    await new Promise<void>((resolve, reject) => {
      if (file === undefined) return resolve();
      input.once('open', () => resolve());
      input.once('error', reject);
    });
    if (file !== undefined && separator !== undefined) await checkFileSeparators(args, file, separator);
    await (await connectAdmin(ctx)).close();

    const { Producer } = await loadClient();
    const producer = new Producer(config);
    const summary = new Map<number, PartitionSummary>();
    const inFlight = new Set<Promise<unknown>>();
    let failure: unknown = null;
    let acked = 0;
    const onAck = (m: RecordMetadata) => {
      const s = summary.get(m.partition) ?? {
        partition: m.partition,
        records: 0,
        firstOffset: m.offset,
        lastOffset: m.offset,
      };
      s.records++;
      acked++;
      if (m.offset < s.firstOffset) s.firstOffset = m.offset;
      if (m.offset > s.lastOffset) s.lastOffset = m.offset;
      summary.set(m.partition, s);
    };
    let badLine: MissingSeparatorError | null = null;
    try {
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      let lineNumber = 0;
      for await (const line of lines) {
        if (failure !== null) break;
        lineNumber++;
        let record: ReturnType<typeof splitKey>;
        try {
          record = splitKey(line, separator, lineNumber);
        } catch (err) {
          if (!(err instanceof MissingSeparatorError)) throw err;
          // Stdin cannot be read twice: what came before was sent; stop here and say how much.
          badLine = err;
          break;
        }
        const sent = producer
          .send({
            topic,
            value: Buffer.from(record.value),
            ...(record.key === undefined ? {} : { key: record.key }),
            ...(headers.length > 0 ? { headers } : {}),
            ...(partition === undefined ? {} : { partition }),
          })
          .then(onAck, (err: unknown) => {
            failure ??= err;
          });
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
        if (inFlight.size >= IN_FLIGHT_RECORDS_MAX) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    } finally {
      await producer.close().catch(() => {});
    }
    const partitions = [...summary.values()].sort((a, b) => a.partition - b.partition);
    const failed = failure !== null || badLine !== null;
    // After a partial write the count matters most: it is what the cluster now holds.
    if (!failed || acked > 0 || badLine !== null) {
      if (ctx.json) printJson({ topic, records: acked, partitions, complete: !failed });
      else note(`produced ${acked} record${acked === 1 ? '' : 's'} to "${topic}"`);
    }
    if (failure !== null) throw failure;
    if (badLine !== null) {
      const before =
        acked === 0
          ? 'nothing was produced'
          : `${acked === 1 ? 'the record before it was' : `the ${acked} records before it were`} produced, nothing after it`;
      throw new CommandError(`${badLine.message}: ${before}`);
    }
    return 0;
  },
};
