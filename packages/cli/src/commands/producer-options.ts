// Producer flags shared by `fluxo produce` and `fluxo perf produce`, mapped to ProducerConfig.
import type { Acks, CompressionName, ProducerConfig } from '@fluxo/client';
import { boolOpt, intOpt, type OptionSpec, type ParsedArgs, stringOpt, usageError } from '../cli/args.js';
import type { Context } from '../cli/context.js';

const COMPRESSIONS: readonly CompressionName[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export const PRODUCER_OPTIONS: Record<string, OptionSpec> = {
  acks: { type: 'string', value: '0|1|all', help: 'acknowledgements to wait for (default all)' },
  compression: { type: 'string', value: 'TYPE', help: `compression.type: ${COMPRESSIONS.join(', ')} (default none)` },
  idempotence: {
    type: 'boolean',
    help: 'enable.idempotence; --no-idempotence turns it off (default on when acks=all)',
  },
  'linger-ms': { type: 'string', value: 'MS', help: 'linger.ms: wait to fill batches (default 5)' },
  'batch-size': { type: 'string', value: 'BYTES', help: 'batch.size per partition (default 16384)' },
};

export function producerConfig(ctx: Context, args: ParsedArgs): ProducerConfig {
  const acksText = stringOpt(args, 'acks') ?? 'all';
  if (!['0', '1', 'all', '-1'].includes(acksText)) throw usageError(args, `--acks: "${acksText}" is not 0, 1 or all`);
  const acks: Acks = acksText === 'all' || acksText === '-1' ? 'all' : (Number(acksText) as 0 | 1);
  const compression = stringOpt(args, 'compression') ?? 'none';
  if (!(COMPRESSIONS as readonly string[]).includes(compression)) {
    throw usageError(args, `--compression: "${compression}" is not one of ${COMPRESSIONS.join(', ')}`);
  }
  const idempotence = boolOpt(args, 'idempotence');
  if (idempotence === true && acks !== 'all') throw usageError(args, '--idempotence needs --acks all');
  const lingerMs = intOpt(args, 'linger-ms', 0, 60_000) ?? 5;
  const batchSize = intOpt(args, 'batch-size', 0, 64 * 1024 * 1024);
  return {
    ...ctx.clientConfig(),
    acks,
    compressionType: compression as CompressionName,
    ...(idempotence === undefined ? {} : { enableIdempotence: idempotence }),
    lingerMs,
    ...(batchSize === undefined ? {} : { batchSize }),
    maxBlockMs: ctx.timeoutMs,
    // Kafka's rule: delivery.timeout.ms >= linger.ms + request.timeout.ms; a few retries fit in it.
    deliveryTimeoutMs: Math.max(120_000, lingerMs + 3 * ctx.timeoutMs),
  };
}

/** Client defaults the report states when a flag was not given (Kafka's own). */
const BATCH_SIZE_DEFAULT = 16_384;

/** The settings a producer runs with, defaults included: what a perf report records. */
export function producerSettings(config: ProducerConfig): Record<string, unknown> {
  return {
    acks: config.acks,
    compression: config.compressionType ?? 'none',
    // The client's rule: on unless turned off, and off by default when acks is not all.
    idempotence: config.enableIdempotence ?? config.acks === 'all',
    lingerMs: config.lingerMs,
    batchSize: config.batchSize ?? BATCH_SIZE_DEFAULT,
  };
}
