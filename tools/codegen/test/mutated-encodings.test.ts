/**
 * Decoder fuzzing from rich valid encodings: values drawn from the schema-derived
 * arbitraries (nested arrays, tagged fields, nulls) are encoded, then mutated.
 * packages/protocol's own fuzz test mutates create() defaults and random bytes;
 * this one reaches the deeper paths only a well-formed prefix can lead to.
 * Oracle: a value or ProtocolDecodeError, fast, nothing decoded larger than the input.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProtocolDecodeError, Reader, Writer } from '@fluxo/protocol';
import fc from 'fast-check';
import { loadSchemas } from '../src/schema.js';
import { SCHEMA_DIR, moduleFor } from './generated-modules.js';
import { SchemaArbitraries, versionsOf } from './schema-arbitrary.js';

const SEED = Number(process.env.FLUXO_FUZZ_SEED ?? 4242);
const VALUES_PER_VERSION = Number(process.env.FLUXO_FUZZ_VALUES ?? 2);
const MUTATIONS_PER_VALUE = Number(process.env.FLUXO_FUZZ_MUTATIONS ?? 10);
const DECODE_TIME_MAX_MS = 250;
const UUID_TEXT_LENGTH = 22;

const HUGE_PREFIXES = ['7fff', '7fffffff', 'fffffffe', 'ffffffff0f', '80808080808080808001'].map((h) =>
  Buffer.from(h, 'hex'),
);

/** A mutation picked by fast-check from the input: flip, truncate, insert, remove, or overwrite with a huge prefix. */
function mutation(length: number): fc.Arbitrary<(b: Buffer) => Buffer> {
  const at = fc.nat({ max: length });
  return fc.oneof(
    fc.tuple(at, fc.nat({ max: 7 })).map(([p, bit]) => (b: Buffer) => {
      const out = Buffer.from(b);
      if (p < out.length) out[p] = out[p]! ^ (1 << bit);
      return out;
    }),
    at.map((p) => (b: Buffer) => b.subarray(0, p)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 6 })).map(
      ([p, ins]) =>
        (b: Buffer) =>
          Buffer.concat([b.subarray(0, p), ins, b.subarray(p)]),
    ),
    fc.tuple(at, fc.integer({ min: 1, max: 4 })).map(
      ([p, n]) =>
        (b: Buffer) =>
          Buffer.concat([b.subarray(0, p), b.subarray(p + n)]),
    ),
    fc.tuple(at, fc.constantFrom(...HUGE_PREFIXES)).map(
      ([p, prefix]) =>
        (b: Buffer) =>
          Buffer.concat([b.subarray(0, p), prefix, b.subarray(p + prefix.length)]),
    ),
  );
}

function assertBounded(value: unknown, limit: number, where: string): void {
  if (typeof value === 'string') assert.ok(value.length <= Math.max(limit, UUID_TEXT_LENGTH), `${where}: string`);
  else if (Buffer.isBuffer(value)) assert.ok(value.length <= limit, `${where}: bytes`);
  else if (Array.isArray(value)) {
    assert.ok(value.length <= limit, `${where}: array of ${value.length} from ${limit} bytes`);
    for (const item of value) assertBounded(item, limit, where);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) assertBounded(item, limit, where);
  }
}

test('mutations of rich valid encodings decode or fail with ProtocolDecodeError', { timeout: 120_000 }, () => {
  let checked = 0;
  for (const spec of loadSchemas(SCHEMA_DIR)) {
    const mod = moduleFor(spec);
    for (const version of versionsOf(spec)) {
      const arb = new SchemaArbitraries(spec, mod, version).root();
      for (const value of fc.sample(arb, { numRuns: VALUES_PER_VERSION, seed: SEED + version })) {
        const w = new Writer();
        mod.encode(w, value, version);
        const valid = w.toBuffer();
        for (const change of fc.sample(mutation(valid.length), {
          numRuns: MUTATIONS_PER_VALUE,
          seed: SEED + checked,
        })) {
          const input = change(valid);
          const where = `${spec.name} v${version} input ${input.toString('hex')}`;
          const started = performance.now();
          try {
            assertBounded(mod.decode(new Reader(input), version), input.length, where);
          } catch (error) {
            if (!(error instanceof ProtocolDecodeError))
              throw new Error(`${where}: ${String(error)}`, { cause: error });
          }
          assert.ok(performance.now() - started < DECODE_TIME_MAX_MS, `${where}: too slow`);
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 10_000, `only ${checked} inputs`);
});
