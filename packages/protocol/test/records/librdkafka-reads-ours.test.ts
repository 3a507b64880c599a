import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { test } from 'node:test';
import {
  ApiVersionsRequest,
  ApiVersionsResponse,
  FetchRequest,
  FetchResponse,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/generated/index.js';
import { Reader } from '../../src/primitives/reader.js';
import { Writer } from '../../src/primitives/writer.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';

/**
 * The reverse of librdkafka-interop: librdkafka (kcat -C) consumes batches we
 * encoded, with every codec, from a tiny loopback server that answers
 * ApiVersions, Metadata, ListOffsets and Fetch. Skipped where kcat is missing.
 */
const kcatMissing = spawnSync('kcat', ['-V']).status !== 0 ? 'kcat is not installed' : false;
const TOPIC = 'ours';
// librdkafka derives features from these: v2 batches need Produce >= 3 and Fetch >= 4,
// zstd Fetch >= 10 and Produce >= 7, lz4 FindCoordinator. Only Metadata, ListOffsets and Fetch are sent.
const OFFERED = [
  { apiKey: 0, minVersion: 0, maxVersion: 7 },
  { apiKey: 1, minVersion: 4, maxVersion: 11 },
  { apiKey: 2, minVersion: 1, maxVersion: 5 },
  { apiKey: 3, minVersion: 0, maxVersion: 4 },
  { apiKey: 10, minVersion: 0, maxVersion: 2 },
  { apiKey: 18, minVersion: 0, maxVersion: 3 },
];

interface Codec<T> {
  encode(w: Writer, data: T, version: number): void;
}

function respond<T>(
  socket: Socket,
  apiKey: number,
  version: number,
  correlationId: number,
  codec: Codec<T>,
  body: T,
): void {
  const w = new Writer();
  w.writeInt32(0);
  ResponseHeader.encode(w, ResponseHeader.create({ correlationId }), responseHeaderVersion(apiKey, version));
  codec.encode(w, body, version);
  w.patchInt32(0, w.length - 4);
  socket.write(w.toBuffer());
}

function serve(socket: Socket, frame: Buffer, log: Buffer, logEnd: bigint): void {
  const apiKey = frame.readInt16BE(0);
  const version = frame.readInt16BE(2);
  const r = new Reader(frame);
  const { correlationId } = RequestHeader.decode(r, requestHeaderVersion(apiKey, version));
  if (apiKey === 18) {
    ApiVersionsRequest.decode(r, version);
    respond(
      socket,
      apiKey,
      version,
      correlationId,
      ApiVersionsResponse,
      ApiVersionsResponse.create({ apiKeys: OFFERED }),
    );
  } else if (apiKey === 3) {
    MetadataRequest.decode(r, version);
    const { port } = socket.address() as AddressInfo;
    const partition = MetadataResponse.createMetadataResponsePartition({
      leaderId: 1,
      replicaNodes: [1],
      isrNodes: [1],
    });
    respond(
      socket,
      apiKey,
      version,
      correlationId,
      MetadataResponse,
      MetadataResponse.create({
        brokers: [MetadataResponse.createMetadataResponseBroker({ nodeId: 1, host: '127.0.0.1', port })],
        controllerId: 1,
        topics: [MetadataResponse.createMetadataResponseTopic({ name: TOPIC, partitions: [partition] })],
      }),
    );
  } else if (apiKey === 2) {
    const req = ListOffsetsRequest.decode(r, version);
    respond(
      socket,
      apiKey,
      version,
      correlationId,
      ListOffsetsResponse,
      ListOffsetsResponse.create({
        topics: req.topics.map((t) =>
          ListOffsetsResponse.createListOffsetsTopicResponse({
            name: t.name,
            partitions: t.partitions.map((p) =>
              ListOffsetsResponse.createListOffsetsPartitionResponse({
                partitionIndex: p.partitionIndex,
                offset: p.timestamp === -2n ? 0n : logEnd,
              }),
            ),
          }),
        ),
      }),
    );
  } else if (apiKey === 1) {
    const req = FetchRequest.decode(r, version);
    respond(
      socket,
      apiKey,
      version,
      correlationId,
      FetchResponse,
      FetchResponse.create({
        responses: req.topics.map((t) =>
          FetchResponse.createFetchableTopicResponse({
            topic: t.topic,
            partitions: t.partitions.map((p) =>
              FetchResponse.createPartitionData({
                partitionIndex: p.partition,
                highWatermark: logEnd,
                lastStableOffset: logEnd,
                logStartOffset: 0n,
                records: p.fetchOffset === 0n ? log : Buffer.alloc(0),
              }),
            ),
          }),
        ),
      }),
    );
  } else {
    socket.destroy();
  }
}

interface KcatMessage {
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

async function consumeWithKcat(log: Buffer, logEnd: bigint, count: number): Promise<KcatMessage[]> {
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        serve(socket, pending.subarray(4, 4 + size), log, logEnd);
        pending = pending.subarray(4 + size);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const args = [
      '-C',
      '-b',
      `127.0.0.1:${port}`,
      '-t',
      TOPIC,
      '-p',
      '0',
      '-o',
      'beginning',
      '-c',
      String(count),
      '-J',
      '-e',
    ];
    // Asynchronous on purpose: the server runs on this event loop.
    const { status, stdout, stderr } = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn('kcat', args, { timeout: 20_000 });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('close', (code) => resolve({ status: code, stdout: out, stderr: err }));
      },
    );
    assert.equal(status, 0, stderr);
    return stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as KcatMessage);
  } finally {
    server.close();
  }
}

const T0 = 1_764_000_000_000n;
for (const [codec, name] of ['none', 'gzip', 'snappy', 'lz4', 'zstd'].entries()) {
  test(`librdkafka (kcat) consumes our ${name} batches`, { skip: kcatMissing, timeout: 30_000 }, async () => {
    const perBatch = 25;
    const batches = [0, 1].map((b) =>
      encodeRecordBatch({
        baseOffset: BigInt(b * perBatch),
        compression: codec,
        records: Array.from({ length: perBatch }, (_, i) => ({
          key: Buffer.from(`k${b}-${i}`),
          value: Buffer.from(JSON.stringify({ codec: name, b, i, pad: 'x'.repeat(i * 5) })),
          headers: [{ key: 'n', value: Buffer.from(String(i)) }],
          timestamp: T0 + BigInt(i),
        })),
      }),
    );
    const messages = await consumeWithKcat(Buffer.concat(batches), BigInt(2 * perBatch), 2 * perBatch);
    assert.equal(messages.length, 2 * perBatch);
    messages.forEach((m, n) => {
      const b = Math.floor(n / perBatch);
      const i = n % perBatch;
      assert.equal(m.offset, n);
      assert.equal(m.key, `k${b}-${i}`);
      assert.deepEqual(JSON.parse(m.payload!), { codec: name, b, i, pad: 'x'.repeat(i * 5) });
      assert.deepEqual(m.headers, ['n', String(i)]);
    });
  });
}
