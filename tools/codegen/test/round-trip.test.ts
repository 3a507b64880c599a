/**
 * decode(encode(x)) deep-equals x for every generated message at every valid
 * version, with x drawn from arbitraries derived from the same JSON schemas the
 * generator read. Also: unknown tagged fields survive decode→encode→decode, and
 * a non-ignorable field set at a version that cannot carry it is refused.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolEncodeError, Reader, Writer } from '@fluxo/protocol';
import fc from 'fast-check';
import { type MessageSpec, loadSchemas } from '../src/schema.js';
import { elementType, isArray, isStructType } from '../src/types.js';
import { contains } from '../src/versions.js';
import { type GeneratedModule, SCHEMA_DIR, moduleFor } from './generated-modules.js';
import { SchemaArbitraries, camel, versionsOf } from './schema-arbitrary.js';

/** Runs per message-version: 752 message-versions × 25 ≈ 19k round trips, a few seconds. */
const RUNS_PER_VERSION = Number(process.env.FLUXO_ROUNDTRIP_RUNS ?? 25);
/** Set FLUXO_ROUNDTRIP_SEED to explore beyond the fixed seed CI replays. */
const SEED = Number(process.env.FLUXO_ROUNDTRIP_SEED ?? 0x5eed);

const specs = loadSchemas(SCHEMA_DIR);

function encode(mod: GeneratedModule, value: Record<string, unknown>, version: number): Buffer {
  const w = new Writer();
  mod.encode(w, value, version);
  return w.toBuffer();
}

function decodeExactly(mod: GeneratedModule, bytes: Buffer, version: number): Record<string, unknown> {
  const r = new Reader(bytes);
  const value = mod.decode(r, version);
  assert.equal(r.remaining, 0, `${mod.name} v${version}: ${r.remaining} bytes left after decode`);
  return value;
}

function roundTrip(spec: MessageSpec, mod: GeneratedModule, version: number): void {
  const arb = new SchemaArbitraries(spec, mod, version).root();
  fc.assert(
    fc.property(arb, (value) => {
      const bytes = encode(mod, value, version);
      const decoded = decodeExactly(mod, bytes, version);
      assert.deepStrictEqual(decoded, value);
      // The encoding is canonical: writing the decoded value gives the same bytes.
      assert.ok(encode(mod, decoded, version).equals(bytes), 'second encoding differs');
    }),
    { numRuns: RUNS_PER_VERSION, seed: SEED + version, endOnFailure: true },
  );
}

describe('generated codecs round-trip', () => {
  test('the schema set is the one the generator read', () => {
    assert.ok(specs.length >= 240, `only ${specs.length} schemas found in ${SCHEMA_DIR}`);
    for (const group of ['messages', 'coordinator', 'metadata', 'raft'])
      assert.ok(
        specs.some((s) => s.group === group),
        `no ${group} schema`,
      );
  });

  for (const spec of specs) {
    test(`${spec.group}/${spec.name} v${spec.validVersions.lowest}-${spec.validVersions.highest}`, () => {
      const mod = moduleFor(spec);
      assert.equal(mod.lowestVersion, spec.validVersions.lowest);
      assert.equal(mod.highestVersion, spec.validVersions.highest);
      for (const version of versionsOf(spec)) roundTrip(spec, mod, version);
    });
  }
});

describe('the arbitraries reach the interesting paths', () => {
  test('tagged structs off their default, nulls, and unknown tags all occur', () => {
    const spec = specs.find((s) => s.name === 'FetchResponse')!;
    const mod = moduleFor(spec);
    const values = fc.sample(new SchemaArbitraries(spec, mod, 16).root(), { numRuns: 200, seed: SEED });
    const partitions = values.flatMap((v) =>
      (v.responses as { partitions: Record<string, unknown>[] }[]).flatMap((t) => t.partitions),
    );
    const leaderDefault = mod.createLeaderIdAndEpoch as () => unknown;
    assert.ok(partitions.some((p) => p.records === null));
    assert.ok(partitions.some((p) => Buffer.isBuffer(p.records) && p.records.length > 0));
    assert.ok(partitions.some((p) => JSON.stringify(p.currentLeader) !== JSON.stringify(leaderDefault())));
    assert.ok(partitions.some((p) => JSON.stringify(p.currentLeader) === JSON.stringify(leaderDefault())));
    assert.ok(partitions.some((p) => p._unknownTaggedFields !== undefined));
    assert.ok(values.some((v) => v._unknownTaggedFields !== undefined));
  });
});

describe('unknown tagged fields', () => {
  const flexibleSpecs = specs.filter((s) => s.flexibleVersions.lowest <= s.validVersions.highest);

  test('are preserved through decode → encode → decode at every flexible version', () => {
    assert.ok(flexibleSpecs.length > 100);
    for (const spec of flexibleSpecs) {
      const mod = moduleFor(spec);
      for (const version of versionsOf(spec).filter((v) => contains(spec.flexibleVersions, v))) {
        const base = encode(mod, mod.create(), version);
        // The root's tagged-field section is the last bytes: with no tags it is the single byte 0.
        // Replace it with two tags no schema knows, as a newer peer would send.
        assert.equal(
          base[base.length - 1],
          0,
          `${spec.name} v${version}: encoding does not end in an empty tag section`,
        );
        const tags = Buffer.from([
          2, 0xe8, 0x07, 2, 0xab, 0xcd, 0xf0, 0x07, 0 /* tag 1000, 2 bytes; tag 1008, 0 bytes */,
        ]);
        const wire = Buffer.concat([base.subarray(0, base.length - 1), tags]);
        const first = decodeExactly(mod, wire, version);
        assert.deepStrictEqual(first._unknownTaggedFields, [
          { tag: 1000, data: Buffer.from([0xab, 0xcd]) },
          { tag: 1008, data: Buffer.alloc(0) },
        ]);
        const again = encode(mod, first, version);
        assert.ok(again.equals(wire), `${spec.name} v${version}: unknown tags not written back unchanged`);
        assert.deepStrictEqual(decodeExactly(mod, again, version), first);
      }
    }
  });
});

/** A value different from the create() default, valid for the field's type. */
function nonDefault(mod: GeneratedModule, type: string, current: unknown): unknown {
  if (isArray(type)) {
    const element = elementType(type);
    const createElement = mod[`create${element}`];
    if (isStructType(type)) return typeof createElement === 'function' ? [createElement()] : undefined;
    return [nonDefault(mod, element, undefined)];
  }
  switch (type) {
    case 'bool':
      return current !== true;
    case 'int64':
      return current === 1n ? 2n : 1n;
    case 'string':
      return `${String(current ?? '')}x`;
    case 'bytes':
    case 'records':
      return Buffer.from([1]);
    case 'uuid':
      return 'AQEBAQEBAQEBAQEBAQEBAQ';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64':
      return current === 1 ? 2 : 1;
    default:
      return nonDefaultStruct(mod, type);
  }
}

/** A struct from its generated factory with its first scalar field changed, or undefined if it has none. */
function nonDefaultStruct(mod: GeneratedModule, type: string): unknown {
  const create = mod[`create${type}`];
  if (typeof create !== 'function') return undefined;
  const value = create() as Record<string, unknown>;
  for (const [key, current] of Object.entries(value)) {
    const changed =
      typeof current === 'number'
        ? nonDefault(mod, 'int32', current)
        : typeof current === 'bigint'
          ? nonDefault(mod, 'int64', current)
          : typeof current === 'string'
            ? nonDefault(mod, 'string', current)
            : typeof current === 'boolean'
              ? !current
              : undefined;
    if (changed !== undefined) return { ...value, [key]: changed };
  }
  return undefined;
}

describe('encode refuses what a version cannot carry', () => {
  test('a non-ignorable field set at a version without it throws ProtocolEncodeError', () => {
    let checked = 0;
    for (const spec of specs) {
      const mod = moduleFor(spec);
      for (const version of versionsOf(spec)) {
        for (const f of spec.fields) {
          if (f.ignorable || contains(f.versions, version)) continue;
          const value = mod.create();
          const changed = nonDefault(mod, f.type, value[camel(f.name)]);
          if (changed === undefined) continue;
          value[camel(f.name)] = changed;
          assert.throws(
            () => encode(mod, value, version),
            ProtocolEncodeError,
            `${spec.name}.${f.name} set at v${version}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 200, `only ${checked} cases`);
  });

  test('an ignorable field set at a version without it is dropped silently', () => {
    let checked = 0;
    for (const spec of specs) {
      const mod = moduleFor(spec);
      for (const version of versionsOf(spec)) {
        for (const f of spec.fields) {
          if (!f.ignorable || contains(f.versions, version) || !contains(spec.validVersions, version)) continue;
          const value = mod.create();
          const changed = nonDefault(mod, f.type, value[camel(f.name)]);
          if (changed === undefined) continue;
          value[camel(f.name)] = changed;
          const bytes = encode(mod, value, version);
          assert.ok(bytes.equals(encode(mod, mod.create(), version)), `${spec.name}.${f.name} at v${version}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} cases`);
  });

  test('a null in a version where the field is not nullable throws ProtocolEncodeError', () => {
    let checked = 0;
    for (const spec of specs) {
      const mod = moduleFor(spec);
      for (const f of spec.fields) {
        if (f.nullableVersions.lowest > f.nullableVersions.highest) continue;
        for (const version of versionsOf(spec)) {
          if (!contains(f.versions, version) || contains(f.nullableVersions, version)) continue;
          if (f.tag !== undefined && contains(f.taggedVersions, version)) continue;
          const value = mod.create({ [camel(f.name)]: null });
          assert.throws(() => encode(mod, value, version), ProtocolEncodeError, `${spec.name}.${f.name} v${version}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 10, `only ${checked} cases`);
  });
});
