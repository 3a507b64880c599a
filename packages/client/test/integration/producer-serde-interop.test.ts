// Every serializer through a real broker: our producer writes keys and values
// with it, the Java client reads the raw bytes back, and they must be exactly
// what Java's own serializers make of the same values (kafka-clients 4.0:
// StringSerializer, ShortSerializer, IntegerSerializer, LongSerializer,
// DoubleSerializer, ByteArraySerializer). Java has no JSON serializer, so
// 'json' is checked against the UTF-8 of JSON.stringify, and a custom one
// against the bytes it documents. kcat reads the strings too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, Producer, type Serializer, Serdes } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { hasKcat, javaPeer, javaUnavailable, kcatLines } from './other-clients.js';

const unavailable = !BrokerProcess.available() ? 'CLI not built (packages/cli/dist/src/main.js)' : javaUnavailable();

interface Dumped {
  records: { p: number; o: number; k: string | null; v: string | null; h: [string, string | null][] }[];
}

/** A length-prefixed UTF-8 string: int16 byte length, then the bytes (null stays null, as Kafka's serializers do). */
const lengthPrefixed: Serializer<string | null> = {
  serialize: (v) => {
    if (v === null) return null;
    const text = Buffer.from(v, 'utf8');
    const out = Buffer.alloc(2 + text.length);
    out.writeInt16BE(text.length);
    text.copy(out, 2);
    return out;
  },
};

interface Case {
  name: string;
  serializer: Serializer<never>;
  values: unknown[];
  /** Java `serialize` arguments for each value, or the expected hex when Java has no such serializer. */
  java?: (v: never) => string;
  expectedHex?: (v: never) => string;
}

const random = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 73 + 11) & 0xff));
const CASES: Case[] = [
  {
    name: 'string',
    serializer: Serdes.string as Serializer<never>,
    values: ['', 'plain', 'héllo wörld', '日本語のテキスト', 'emoji 😀 and ✓', 'x'.repeat(3000)],
    java: (v: string) => `string:${Buffer.from(v, 'utf8').toString('hex')}`,
  },
  {
    name: 'short',
    serializer: Serdes.short as Serializer<never>,
    values: [0, 1, -1, 258, 32767, -32768],
    java: (v: number) => `short:${v}`,
  },
  {
    name: 'integer',
    serializer: Serdes.integer as Serializer<never>,
    values: [0, 1, -1, 65_536, 2_147_483_647, -2_147_483_648],
    java: (v: number) => `integer:${v}`,
  },
  {
    name: 'long',
    serializer: Serdes.long as Serializer<never>,
    values: [0n, -1n, 1_700_000_000_000n, 2n ** 63n - 1n, -(2n ** 63n)],
    java: (v: bigint) => `long:${v}`,
  },
  {
    name: 'double',
    serializer: Serdes.double as Serializer<never>,
    values: [0, -0, 1.5, -2.25e-10, Math.PI, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324],
    java: (v: number) => `double:${Object.is(v, -0) ? '-0.0' : String(v)}`,
  },
  {
    name: 'bytes',
    serializer: Serdes.bytes as Serializer<never>,
    values: [Buffer.alloc(0), Buffer.from([0, 255]), random],
    java: (v: Buffer) => `bytes:${v.toString('hex')}`,
  },
  {
    name: 'json',
    serializer: Serdes.json as Serializer<never>,
    values: [
      { id: 1, name: 'ünïcode', tags: ['a', 'b'], nested: { ok: true, n: null } },
      [1, 2.5, 'three'],
      'text',
      42,
    ],
    expectedHex: (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8').toString('hex'),
  },
  {
    name: 'custom',
    serializer: lengthPrefixed as Serializer<never>,
    values: ['', 'abc', 'ß'],
    expectedHex: (v: string) =>
      v === '' ? '0000' : v === 'abc' ? '0003616263' : '0002c39f' /* written out by hand, independently */,
  },
];

describe('serializers through the broker, read back by the Java client', { skip: unavailable }, () => {
  let broker: BrokerProcess;
  let admin: Admin;
  const topic = 'serde';

  before(async () => {
    broker = await BrokerProcess.start();
    admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([{ topic, numPartitions: CASES.length }]);
    // One partition per serializer, key and value both through it, in order; one tombstone per partition.
    for (const [p, c] of CASES.entries()) {
      const producer = new Producer<never, never>({
        bootstrapServers: broker.bootstrap,
        keySerializer: c.serializer,
        valueSerializer: c.serializer,
      });
      for (const v of c.values) await producer.send({ topic, partition: p, key: v as never, value: v as never });
      await producer.send({ topic, partition: p, value: null as never });
      await producer.close();
    }
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  it('writes byte-for-byte what the Java serializers write (and null stays a tombstone)', async () => {
    const dumped = await javaPeer<Dumped>(['dump', broker.bootstrap, topic]);
    const javaArgs = CASES.flatMap((c) => (c.java === undefined ? [] : c.values.map((v) => c.java!(v as never))));
    const { hex: javaHex } = await javaPeer<{ hex: string[] }>(['serialize', ...javaArgs]);
    let next = 0;
    for (const [p, c] of CASES.entries()) {
      const stored = dumped.records.filter((r) => r.p === p).sort((a, b) => a.o - b.o);
      assert.equal(stored.length, c.values.length + 1, `${c.name}: records stored`);
      const expected = c.values.map((v) => (c.java !== undefined ? javaHex[next++]! : c.expectedHex!(v as never)));
      assert.deepEqual(
        stored.slice(0, -1).map((r) => r.v),
        expected,
        `${c.name}: values as Java read them vs what Java's serializer writes`,
      );
      assert.deepEqual(
        stored.slice(0, -1).map((r) => r.k),
        expected,
        `${c.name}: keys`,
      );
      assert.equal(stored.at(-1)!.v, null, `${c.name}: a null value is a tombstone`);
      assert.equal(stored.at(-1)!.k, null, `${c.name}: no key is a null key`);
    }
    assert.equal(next, javaHex.length);
  });

  it('kcat (librdkafka) reads the same strings', async (t) => {
    if (!(await hasKcat())) return t.skip('kcat not installed');
    const strings = CASES[0]!.values as string[];
    const lines = await kcatLines(broker.bootstrap, topic, 0, '%s');
    // kcat prints a null value as an empty line, which the helper drops along with the empty string's.
    assert.deepEqual(
      lines,
      strings.filter((s) => s !== ''),
    );
  });
});
