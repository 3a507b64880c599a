#!/usr/bin/env node
// Throughput of the generated codecs on ~1 MiB messages, beside kafkajs where it has the same operation.
//   npm run build && node bench/protocol-codecs.mjs [--runs 7] [--ms 400] [--only 'Fetch v16'] [--json]
// Payloads: a Produce request (4 partitions × ~256 KiB record batch) and a Fetch response of the same records.
// Each cell is the median of --runs timed runs of --ms each, after a warm-up; MB/s counts the message bytes.
import { createRequire } from 'node:module';
import os from 'node:os';
import { FetchResponse, ProduceRequest, Reader, Writer } from '@fluxo/protocol';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkaJsRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const kafkaJsProduce = require('kafkajs/src/protocol/requests/produce/index.js');
const kafkaJsFetch = require('kafkajs/src/protocol/requests/fetch/index.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('runs', 7);
const RUN_MS = option('ms', 400);
const PARTITIONS = 4;
const RECORDS_PER_PARTITION = 250;
const VALUE_BYTES = 1024;
const FIRST_TIMESTAMP = 1_700_000_000_000;

function messagesFor(partition) {
  const out = [];
  for (let i = 0; i < RECORDS_PER_PARTITION; i++) {
    const value = Buffer.alloc(VALUE_BYTES, 97 + ((partition + i) % 26));
    out.push({ key: `key-${partition}-${i}`, value, timestamp: FIRST_TIMESTAMP + i });
  }
  return out;
}

async function recordBatchBytes(messages) {
  const batch = await RecordBatch({
    records: messages.map((m, i) => KafkaJsRecord({ key: m.key, value: m.value, offsetDelta: i, timestampDelta: i })),
    firstTimestamp: FIRST_TIMESTAMP,
    maxTimestamp: FIRST_TIMESTAMP + messages.length - 1,
    lastOffsetDelta: messages.length - 1,
  });
  return Buffer.from(batch.buffer);
}

const messages = Array.from({ length: PARTITIONS }, (_, p) => messagesFor(p));
const batches = await Promise.all(messages.map(recordBatchBytes));

const produceRequest = ProduceRequest.create({
  acks: -1,
  timeoutMs: 30_000,
  topicData: [
    ProduceRequest.createTopicProduceData({
      name: 'bench-topic',
      partitionData: batches.map((records, index) => ProduceRequest.createPartitionProduceData({ index, records })),
    }),
  ],
});

function fetchResponse(version) {
  return FetchResponse.create({
    sessionId: 1,
    responses: [
      FetchResponse.createFetchableTopicResponse({
        topic: 'bench-topic',
        partitions: batches.map((records, partitionIndex) =>
          FetchResponse.createPartitionData({
            partitionIndex,
            highWatermark: 1000n,
            lastStableOffset: 1000n,
            logStartOffset: 0n,
            abortedTransactions: version >= 4 ? [] : null,
            records,
          }),
        ),
      }),
    ],
  });
}

function encodeChunks(codec, value, version) {
  const w = new Writer();
  codec.encode(w, value, version);
  return w.chunks();
}

function encodeContiguous(codec, value, version) {
  const w = new Writer();
  codec.encode(w, value, version);
  return w.toBuffer();
}

async function measure(fn) {
  // Warm-up so the JIT has compiled the path before timing.
  const warmEnd = performance.now() + RUN_MS;
  while (performance.now() < warmEnd) await fn();
  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    let ops = 0;
    const started = performance.now();
    const end = started + RUN_MS;
    let now = started;
    while (now < end) {
      await fn();
      ops++;
      now = performance.now();
    }
    rates.push((ops * 1000) / (now - started));
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
}

const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const rows = [];
async function bench(operation, bytes, ours, theirs) {
  if (ONLY !== undefined && !operation.includes(ONLY)) return;
  const oursRate = await measure(ours);
  const theirsRate = theirs ? await measure(theirs) : undefined;
  const mbs = (rate) => (rate * bytes) / 1e6;
  rows.push({
    operation,
    bytes,
    oursRate,
    oursMBs: mbs(oursRate),
    theirsRate,
    theirsMBs: theirsRate && mbs(theirsRate),
  });
  const fmt = (r) => (r === undefined ? 'n/a' : `${r.toFixed(0)} ops/s ${mbs(r).toFixed(0)} MB/s`);
  console.log(`${operation.padEnd(52)} fluxo ${fmt(oursRate).padEnd(26)} kafkajs ${fmt(theirsRate)}`);
}

// Produce request: ours at v9 (first flexible) and v11 (newest); kafkajs only sends up to v7.
for (const version of [7, 9, 11]) {
  const wire = encodeContiguous(ProduceRequest, produceRequest, version);
  let theirs;
  if (version === 7) {
    const topicData = [
      { topic: 'bench-topic', partitions: messages.map((m, partition) => ({ partition, messages: m })) },
    ];
    const { request } = kafkaJsProduce.protocol({ version: 7 })({ acks: -1, timeout: 30_000, topicData });
    theirs = () => request.encode();
  }
  await bench(`Produce v${version} encode (chunks, records by reference)`, wire.length, () =>
    encodeChunks(ProduceRequest, produceRequest, version),
  );
  await bench(
    `Produce v${version} encode (one contiguous buffer)`,
    wire.length,
    () => encodeContiguous(ProduceRequest, produceRequest, version),
    theirs,
  );
  await bench(`Produce v${version} decode (records as views)`, wire.length, () =>
    ProduceRequest.decode(new Reader(wire), version),
  );
}

// Fetch response: ours at v11 (kafkajs's newest), v12 (first flexible) and v16; kafkajs decodes v11 only here.
for (const version of [11, 12, 16]) {
  const value = fetchResponse(version);
  const wire = encodeContiguous(FetchResponse, value, version);
  let theirs;
  if (version === 11) {
    const { response } = kafkaJsFetch.protocol({ version: 11 })({ topics: [] });
    theirs = () => response.decode(wire);
  }
  await bench(`Fetch v${version} encode (chunks, records by reference)`, wire.length, () =>
    encodeChunks(FetchResponse, value, version),
  );
  await bench(`Fetch v${version} encode (one contiguous buffer)`, wire.length, () =>
    encodeContiguous(FetchResponse, value, version),
  );
  await bench(
    `Fetch v${version} decode (records as views)`,
    wire.length,
    () => FetchResponse.decode(new Reader(wire), version),
    theirs,
  );
}

console.log(
  `\nnode ${process.version}, ${os.cpus().length} vCPU ${os.cpus()[0]?.model ?? ''}, runs ${RUNS} × ${RUN_MS} ms, payload ${PARTITIONS} partitions × ${RECORDS_PER_PARTITION} records × ${VALUE_BYTES} B values`,
);
if (args.includes('--json')) console.log(JSON.stringify(rows));
