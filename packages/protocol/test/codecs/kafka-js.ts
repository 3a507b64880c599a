/**
 * Loads kafkajs's own protocol modules (an independent implementation of the wire
 * format, written by hand from Kafka's docs) so the cross-check tests can compare
 * bytes both ways. kafkajs is CommonJS with no types; this file is the one place
 * that treats it as `any`-shaped data.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ROOT = 'kafkajs/src/protocol';

/** One kafkajs request: its key/version and an async encoder of the body (no header). */
export interface KafkaJsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}

export interface KafkaJsResponse {
  decode(raw: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}

interface Definitions {
  versions: string[];
  protocol(args: { version: number }): (options: Record<string, unknown>) => {
    request: KafkaJsRequest;
    response: KafkaJsResponse;
  };
}

/** kafkajs's folder name for an API (requests/<folder>/index.js). */
export function kafkaJsApi(folder: string): Definitions {
  return require(`${ROOT}/requests/${folder}/index.js`) as Definitions;
}

/** The versions kafkajs can send for an API, as numbers. */
export function kafkaJsVersions(folder: string): number[] {
  return kafkaJsApi(folder).versions.map(Number);
}

type FrameBuilder = (args: { correlationId: number; clientId: string; request: KafkaJsRequest }) => Promise<{
  buffer: Buffer;
}>;

/** A full request frame exactly as kafkajs puts it on the socket: size, header v1, body. */
export async function kafkaJsFrame(request: KafkaJsRequest, correlationId: number, clientId: string): Promise<Buffer> {
  const build = require(`${ROOT}/request.js`) as FrameBuilder;
  return (await build({ correlationId, clientId, request })).buffer;
}

/** kafkajs's record-batch (magic 2) encoder, to build record bytes for Produce/Fetch payloads. */
export async function kafkaJsRecordBatch(
  records: { key: string; value: string }[],
  options: { firstTimestamp: number; producerId?: number } = { firstTimestamp: 1_700_000_000_000 },
): Promise<Buffer> {
  const { RecordBatch } = require(`${ROOT}/recordBatch/v0/index.js`) as {
    RecordBatch(args: Record<string, unknown>): Promise<{ buffer: Buffer }>;
  };
  const Record = require(`${ROOT}/recordBatch/record/v0/index.js`) as (args: Record<string, unknown>) => unknown;
  const batch = await RecordBatch({
    records: records.map((r, i) => Record({ ...r, offsetDelta: i, timestampDelta: i })),
    firstTimestamp: options.firstTimestamp,
    maxTimestamp: options.firstTimestamp + records.length - 1,
    producerId: options.producerId ?? -1,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}
