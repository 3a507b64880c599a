import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { decodeRecordBatch } from '../../src/records/batch-decode.js';
import { encodeRecordBatch } from '../../src/records/batch-encode.js';

/**
 * Interop with kafkajs's own v2 batch encoder and decoder
 * (kafkajs/src/protocol/recordBatch/v0), called directly, no broker.
 * kafkajs ships gzip; snappy and lz4 come from the kafkajs-snappy and
 * kafkajs-lz4 plug-ins (root devDependencies). No published zstd plug-in
 * installs here (@kafkajs/zstd needs a node-gyp build), so zstd uses a plug-in
 * written the way kafkajs documents codecs, straight on libzstd (the
 * @toondepauw/node-zstd binding, not our zstd wrapper): kafkajs frames the
 * batch, libzstd compresses it. librdkafka's and Java's zstd fixtures cover the rest.
 */
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (init: object) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (init: object) => unknown;
const decodeKafkajsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  d: unknown,
) => Promise<KafkajsBatch>;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
const { Codecs, Types } = require('kafkajs/src/protocol/message/compression') as {
  Codecs: { [type: number]: () => unknown };
  Types: { [name: string]: number };
};

interface KafkajsBatch {
  records: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: { [k: string]: Buffer };
  }[];
}

function tryPlugin(load: () => () => unknown): (() => unknown) | string {
  try {
    const codec = load();
    codec();
    return codec;
  } catch (e) {
    return (e as Error).message;
  }
}

const snappy = tryPlugin(() => require('kafkajs-snappy') as () => unknown);
const lz4 = tryPlugin(() => {
  const LZ4Codec = require('kafkajs-lz4') as new () => { codec: () => unknown };
  return new LZ4Codec().codec;
});
if (typeof snappy === 'function') Codecs[Types.Snappy!] = snappy;
if (typeof lz4 === 'function') Codecs[Types.LZ4!] = lz4;
// A kafkajs codec plug-in (compress gets kafkajs's Encoder, decompress a Buffer) on libzstd, level 3 like Kafka.
const { Encoder: ZstdEncoder, Decoder: ZstdDecoder } = require('@toondepauw/node-zstd') as {
  Encoder: new (level: number) => { encodeSync(b: Buffer): Buffer };
  Decoder: new () => { decodeSync(b: Buffer): Buffer };
};
Codecs[Types.ZSTD!] = () => ({
  compress: async (encoder: { buffer: Buffer }) => new ZstdEncoder(3).encodeSync(encoder.buffer),
  decompress: async (buffer: Buffer) => new ZstdDecoder().decodeSync(buffer),
});

const T0 = 1_764_000_000_000;
const CASES = [
  { name: 'none', id: 0, skip: false as string | false },
  { name: 'gzip', id: 1, skip: false as string | false },
  { name: 'snappy', id: 2, skip: typeof snappy === 'string' ? `kafkajs-snappy unavailable: ${snappy}` : false },
  { name: 'lz4', id: 3, skip: typeof lz4 === 'string' ? `kafkajs-lz4 unavailable: ${lz4}` : false },
  { name: 'zstd', id: 4, skip: false as string | false },
];

const sample = Array.from({ length: 30 }, (_, i) => ({
  key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
  value: Buffer.from(JSON.stringify({ i, note: 'interop '.repeat(i % 9) })),
  headers: i % 2 === 0 ? { h: Buffer.from(`hv-${i}`) } : {},
  timestampDelta: i * 3,
}));

for (const c of CASES) {
  test(`kafkajs-encoded ${c.name} batch decodes with our decoder`, { skip: c.skip }, async () => {
    const encoder = await RecordBatch({
      compression: c.id,
      firstOffset: require('kafkajs/src/utils/long').fromString('77'),
      firstTimestamp: T0,
      maxTimestamp: T0 + 87,
      lastOffsetDelta: sample.length - 1,
      records: sample.map((r, i) =>
        Record({ offsetDelta: i, timestampDelta: r.timestampDelta, key: r.key, value: r.value, headers: r.headers }),
      ),
    });
    const d = decodeRecordBatch(encoder.buffer);
    assert.equal(d.compression, c.id);
    assert.equal(d.baseOffset, 77n);
    assert.equal(d.records.length, sample.length);
    d.records.forEach((r, i) => {
      const s = sample[i]!;
      assert.equal(r.offset, 77n + BigInt(i));
      assert.equal(r.timestamp, BigInt(T0 + s.timestampDelta));
      assert.deepEqual(r.key, s.key);
      assert.deepEqual(r.value, s.value);
      assert.deepEqual(
        r.headers,
        Object.entries(s.headers).map(([key, value]) => ({ key, value })),
      );
    });
  });

  test(`our ${c.name} batch decodes with kafkajs's decoder`, { skip: c.skip }, async () => {
    const batch = encodeRecordBatch({
      baseOffset: 5n,
      compression: c.id,
      records: sample.map((r) => ({
        key: r.key,
        value: r.value,
        headers: Object.entries(r.headers).map(([key, value]) => ({ key, value })),
        timestamp: BigInt(T0 + r.timestampDelta),
      })),
    });
    const decoded = await decodeKafkajsBatch(new KafkajsDecoder(batch));
    assert.equal(decoded.records.length, sample.length);
    decoded.records.forEach((r, i) => {
      const s = sample[i]!;
      assert.equal(r.offset, String(5 + i));
      assert.equal(r.timestamp, String(T0 + s.timestampDelta));
      assert.deepEqual(r.key, s.key);
      assert.deepEqual(r.value, s.value);
      assert.deepEqual(r.headers, s.headers);
    });
  });
}
