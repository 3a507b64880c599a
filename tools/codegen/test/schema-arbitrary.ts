/**
 * fast-check arbitraries derived from Kafka's JSON schemas, so the round-trip
 * tests generate exactly the values a version can carry: fields present at the
 * version get random values of their wire type and range, absent fields keep
 * the generated create() defaults, tagged fields are sometimes left at their
 * default (and so not written), and flexible structs sometimes carry unknown tags.
 */
import fc from 'fast-check';
import type { FieldSpec, MessageSpec, StructSpec } from '../src/schema.js';
import { elementType, isArray, isStructType } from '../src/types.js';
import { contains } from '../src/versions.js';
import type { GeneratedModule } from './generated-modules.js';

/** Small sizes keep a run fast; the codecs have no size-dependent branches beyond length prefixes. */
const ARRAY_LENGTH_MAX = 3;
const STRING_LENGTH_MAX = 12;
const BYTES_LENGTH_MAX = 24;
const UNKNOWN_TAGS_MAX = 3;
/** Unknown tags are drawn above every tag Kafka uses today, so they never collide with a known field. */
const UNKNOWN_TAG_MIN = 1000;
const UNKNOWN_TAG_MAX = 1_000_000;

type Value = Record<string, unknown>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function scalarArbitrary(type: string): fc.Arbitrary<unknown> | undefined {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
      return fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
    case 'float64':
      return fc.double();
    case 'uuid':
      return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
    case 'string':
      // Whole code points only: a lone surrogate cannot survive UTF-8 and is not a Kafka string.
      return fc.string({ unit: 'binary', maxLength: STRING_LENGTH_MAX });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: BYTES_LENGTH_MAX }).map((b) => Buffer.from(b));
    default:
      return undefined;
  }
}

/** Builds arbitraries for one message at one version. */
export class SchemaArbitraries {
  private readonly structs = new Map<string, FieldSpec[]>();
  private readonly flexible: boolean;

  constructor(
    private readonly spec: MessageSpec,
    private readonly module: GeneratedModule,
    private readonly version: number,
  ) {
    this.flexible = contains(spec.flexibleVersions, version);
    const common = new Map<string, StructSpec>(spec.commonStructs.map((s) => [s.name, s]));
    const visit = (fields: FieldSpec[]): void => {
      for (const f of fields) {
        if (!isStructType(f.type)) continue;
        const name = elementType(f.type);
        const inner = f.fields ?? common.get(name)?.fields;
        if (!inner) throw new Error(`${spec.name}: unknown struct ${name}`);
        if (!this.structs.has(name)) {
          this.structs.set(name, inner);
          visit(inner);
        }
      }
    };
    visit(spec.fields);
  }

  /** The generated factory for a struct (create() for the root, createX() for nested struct X). */
  factory(structName: string | undefined): (init?: Value) => Value {
    const fn = structName === undefined ? this.module.create : this.module[`create${structName}`];
    if (typeof fn !== 'function') throw new Error(`${this.spec.name}: no factory for ${structName ?? 'root'}`);
    return fn as (init?: Value) => Value;
  }

  root(): fc.Arbitrary<Value> {
    return this.struct(undefined, this.spec.fields);
  }

  private struct(structName: string | undefined, fields: FieldSpec[]): fc.Arbitrary<Value> {
    const create = this.factory(structName);
    const parts: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of fields) {
      const arb = this.field(f);
      if (arb !== undefined) parts[camel(f.name)] = arb;
    }
    const knownTags = new Set(fields.filter((f) => f.tag !== undefined).map((f) => f.tag));
    const unknown = this.flexible ? unknownTaggedFields(knownTags) : fc.constant(undefined);
    return fc
      .record({ fields: fc.record(parts, { noNullPrototype: true }), unknown })
      .map(({ fields: values, unknown: tags }) => {
        const out = { ...create(), ...values };
        if (tags !== undefined) out._unknownTaggedFields = tags;
        return out;
      });
  }

  /** The arbitrary for a field present at this version, or undefined when it is absent (default kept). */
  private field(f: FieldSpec): fc.Arbitrary<unknown> | undefined {
    const v = this.version;
    if (!contains(f.versions, v)) return undefined;
    const nullable = contains(f.nullableVersions, v);
    let arb = this.typeArbitrary(f.type);
    if (nullable) arb = fc.option(arb, { nil: null, freq: 4 });
    const tagged = f.tag !== undefined && contains(f.taggedVersions, v);
    if (!tagged) return arb;
    // A tagged field left at its default is not written at all; exercise both paths.
    return fc.oneof(fc.constant(undefined), arb).map((x) => (x === undefined ? this.defaultOf(f) : x));
  }

  /** A field's default is what its owner's create() fills (fresh each time: defaults may be mutable). */
  private defaultOf(f: FieldSpec): unknown {
    const owner = this.ownerOf(f);
    return this.factory(owner)()[camel(f.name)];
  }

  private ownerOf(f: FieldSpec): string | undefined {
    if (this.spec.fields.includes(f)) return undefined;
    for (const [name, fields] of this.structs) if (fields.includes(f)) return name;
    throw new Error(`${this.spec.name}: field ${f.name} has no owner`);
  }

  private typeArbitrary(type: string): fc.Arbitrary<unknown> {
    if (isArray(type)) return fc.array(this.typeArbitrary(elementType(type)), { maxLength: ARRAY_LENGTH_MAX });
    const scalar = scalarArbitrary(type);
    if (scalar !== undefined) return scalar;
    const fields = this.structs.get(type);
    if (!fields) throw new Error(`${this.spec.name}: unknown type ${type}`);
    return this.struct(type, fields);
  }
}

/** Unknown tagged fields in ascending tag order (the order an encoder writes them). */
function unknownTaggedFields(knownTags: Set<number | undefined>): fc.Arbitrary<unknown> {
  const entry = fc.record(
    {
      tag: fc.integer({ min: UNKNOWN_TAG_MIN, max: UNKNOWN_TAG_MAX }),
      data: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b)),
    },
    { noNullPrototype: true },
  );
  const list = fc
    .uniqueArray(entry, { maxLength: UNKNOWN_TAGS_MAX, selector: (e) => e.tag })
    .map((entries) => entries.filter((e) => !knownTags.has(e.tag)).sort((a, b) => a.tag - b.tag));
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: list.map((l) => (l.length === 0 ? undefined : l)) },
  );
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Every version a message defines. */
export function versionsOf(spec: MessageSpec): number[] {
  const out: number[] = [];
  for (let v = spec.validVersions.lowest; v <= spec.validVersions.highest; v++) out.push(v);
  return out;
}
