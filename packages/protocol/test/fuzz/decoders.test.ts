/**
 * Fuzzes every generated decoder (requests, responses, headers and the
 * metadata/coordinator/raft records) at every version with random bytes and
 * with mutations of valid encodings. The oracle (decode-oracle.ts): a value or
 * ProtocolDecodeError, fast, and nothing decoded larger than the input.
 * Deterministic: set FLUXO_FUZZ_SEED to explore other seeds; a failure names
 * the message, version and input bytes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SeededRandom } from '@fluxo/core';
import * as protocol from '../../src/index.js';
import { ProtocolEncodeError, Writer } from '../../src/index.js';
import { checkDecode, mutate, randomBytes } from './decode-oracle.js';

const SEED = Number(process.env.FLUXO_FUZZ_SEED ?? 20_261_125);
const RANDOM_INPUTS_PER_VERSION = Number(process.env.FLUXO_FUZZ_RANDOM ?? 12);
const MUTATIONS_PER_VERSION = Number(process.env.FLUXO_FUZZ_MUTATIONS ?? 24);
const RANDOM_LENGTH_MAX = 96;

interface GeneratedCodec {
  readonly name: string;
  readonly lowestVersion: number;
  readonly highestVersion: number;
  create(): unknown;
  decode(r: protocol.Reader, version: number): unknown;
  encode(w: Writer, m: unknown, version: number): void;
}

/** Every generated module the package exports (namespaces with decode/encode/create). */
const codecs: GeneratedCodec[] = Object.values(protocol as Record<string, unknown>).filter(
  (x): x is GeneratedCodec =>
    typeof x === 'object' &&
    x !== null &&
    typeof (x as GeneratedCodec).decode === 'function' &&
    typeof (x as GeneratedCodec).encode === 'function' &&
    typeof (x as GeneratedCodec).lowestVersion === 'number',
);

function seedsFor(codec: GeneratedCodec, version: number): Buffer[] {
  try {
    const w = new Writer();
    codec.encode(w, codec.create(), version);
    return [w.toBuffer()];
  } catch (error) {
    // A few schemas' defaults are not carriable at every version; random bytes still cover those.
    if (error instanceof ProtocolEncodeError) return [];
    throw error;
  }
}

describe('decoder fuzzing', () => {
  test('every generated module is under test', () => {
    assert.ok(codecs.length >= 240, `only ${codecs.length} codecs found`);
    const names = new Set(codecs.map((c) => c.name));
    for (const name of ['RequestHeader', 'ResponseHeader', 'ProduceRequest', 'FetchResponse', 'PartitionChangeRecord'])
      assert.ok(names.has(name), name);
  });

  test('random bytes and mutated encodings give a value or ProtocolDecodeError', { timeout: 120_000 }, () => {
    const random = new SeededRandom(SEED);
    let decoded = 0;
    let refused = 0;
    for (const codec of codecs) {
      for (let version = codec.lowestVersion; version <= codec.highestVersion; version++) {
        for (let i = 0; i < RANDOM_INPUTS_PER_VERSION; i++) {
          if (checkDecode(codec, version, randomBytes(random, RANDOM_LENGTH_MAX), 'random')) decoded++;
          else refused++;
        }
        const seeds = seedsFor(codec, version);
        for (const seed of seeds) {
          assert.ok(checkDecode(codec, version, seed, 'valid'), `${codec.name} v${version} refused its own encoding`);
          for (let i = 0; i < MUTATIONS_PER_VERSION; i++) {
            if (checkDecode(codec, version, mutate(seed, random), 'mutated')) decoded++;
            else refused++;
          }
        }
      }
    }
    // Both outcomes must occur, or the fuzzer is not reaching the decoders' interesting paths.
    assert.ok(decoded > 1000 && refused > 1000, `decoded ${decoded}, refused ${refused}`);
  });

  test('a version outside the schema is refused with ProtocolDecodeError', () => {
    for (const codec of codecs) {
      assert.equal(checkDecode(codec, codec.highestVersion + 1, Buffer.alloc(64), 'bad version'), false);
      assert.equal(checkDecode(codec, codec.lowestVersion - 1, Buffer.alloc(64), 'bad version'), false);
    }
  });
});
