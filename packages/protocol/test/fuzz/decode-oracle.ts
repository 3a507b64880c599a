/**
 * The fuzzing oracle shared by the decoder fuzz tests: a decoder given any bytes
 * either returns a value or throws ProtocolDecodeError, quickly, and never
 * returns a string, byte field or array larger than its input (a length prefix
 * must never turn into an allocation bigger than what arrived).
 */
import assert from 'node:assert/strict';
import type { SeededRandom } from '@fluxo/core';
import { ProtocolDecodeError, Reader } from '../../src/index.js';

/** Generous for a 2-vCPU noisy machine; a real hang or quadratic blow-up takes far longer. */
export const DECODE_TIME_MAX_MS = 250;

const UUID_TEXT_LENGTH = 22;

export interface Decodable {
  readonly name: string;
  decode(r: Reader, version: number): unknown;
}

/** Runs one decode under the oracle; returns true when it produced a value. */
export function checkDecode(codec: Decodable, version: number, input: Buffer, label: string): boolean {
  const started = performance.now();
  let value: unknown;
  try {
    value = codec.decode(new Reader(input), version);
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) {
      assert.fail(`${codec.name} v${version} (${label}) threw ${String(error)} for ${input.toString('hex')}`);
    }
    return false;
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < DECODE_TIME_MAX_MS, `${codec.name} v${version} (${label}) took ${elapsed.toFixed(1)} ms`);
  }
  assertNoLargerThan(value, input.length, `${codec.name} v${version} (${label})`);
  return true;
}

/** Every array, string and byte field in `value` is at most `limit` long. */
export function assertNoLargerThan(value: unknown, limit: number, where: string): void {
  if (typeof value === 'string') {
    // A uuid is 16 wire bytes held as 22 characters; any other string is length-prefixed UTF-8,
    // which never decodes to more UTF-16 units than it has bytes (bad bytes become one U+FFFD each).
    const bound = Math.max(limit, UUID_TEXT_LENGTH);
    assert.ok(value.length <= bound, `${where}: string of ${value.length} from ${limit} bytes`);
  } else if (Buffer.isBuffer(value)) {
    assert.ok(value.length <= limit, `${where}: bytes of ${value.length} from ${limit} bytes`);
  } else if (Array.isArray(value)) {
    assert.ok(value.length <= limit, `${where}: array of ${value.length} from ${limit} bytes`);
    for (const item of value) assertNoLargerThan(item, limit, where);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) assertNoLargerThan(item, limit, where);
  }
}

/** Hostile length prefixes: int16/int32 maxima, -2, and a 5-byte uvarint of 2^32-1. */
const HUGE_PREFIXES = [
  Buffer.from('7fff', 'hex'),
  Buffer.from('7fffffff', 'hex'),
  Buffer.from('fffffffe', 'hex'),
  Buffer.from('ffffffff0f', 'hex'),
  Buffer.from('ffffffff07', 'hex'),
  Buffer.from('80808080808080808001', 'hex'),
];

/** One random mutation of a valid encoding: bit flips, truncation, insertion, removal or a huge length prefix. */
export function mutate(input: Buffer, random: SeededRandom): Buffer {
  const out = Buffer.from(input);
  const at = (extra = 0) => random.int(out.length + extra);
  switch (random.int(6)) {
    case 0: {
      if (out.length === 0) return Buffer.from([random.int(256)]);
      const flips = 1 + random.int(3);
      for (let i = 0; i < flips; i++) {
        const p = at();
        out[p] = out[p]! ^ (1 << random.int(8));
      }
      return out;
    }
    case 1:
      return out.subarray(0, at());
    case 2: {
      const p = at(1);
      const inserted = Buffer.alloc(1 + random.int(8));
      for (let i = 0; i < inserted.length; i++) inserted[i] = random.int(256);
      return Buffer.concat([out.subarray(0, p), inserted, out.subarray(p)]);
    }
    case 3: {
      const p = at();
      return Buffer.concat([out.subarray(0, p), out.subarray(p + 1 + random.int(4))]);
    }
    case 4: {
      const prefix = HUGE_PREFIXES[random.int(HUGE_PREFIXES.length)]!;
      const p = at(1);
      return Buffer.concat([out.subarray(0, p), prefix, out.subarray(p + prefix.length)]);
    }
    default: {
      const p = at(1);
      const prefix = HUGE_PREFIXES[random.int(HUGE_PREFIXES.length)]!;
      return Buffer.concat([out.subarray(0, p), prefix, out.subarray(p)]);
    }
  }
}

export function randomBytes(random: SeededRandom, lengthMax: number): Buffer {
  const out = Buffer.alloc(random.int(lengthMax + 1));
  for (let i = 0; i < out.length; i++) out[i] = random.int(256);
  return out;
}
