import { ConfigError } from '../errors.js';

/** Turns a value into bytes (null stays null: Kafka's tombstone). Kafka's Serializer<T>. */
export interface Serializer<T> {
  serialize(value: T, topic: string): Buffer | null;
}

/** Turns bytes back into a value. Kafka's Deserializer<T>. */
export interface Deserializer<T> {
  deserialize(data: Buffer | null, topic: string): T | null;
}

export type Serde<T> = Serializer<T> & Deserializer<T>;

/** Java's serializers take typed values; a JS caller can pass anything, so the number ones check first. */
function integerIn(kind: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new TypeError(`${kind} serializer expects an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

function fixed(size: number, kind: string, data: Buffer): void {
  if (data.length !== size) throw new TypeError(`${kind} deserializer expects ${size} bytes, got ${data.length}`);
}

/** Kafka's serializers by name, byte-compatible with the Java ones (big-endian, UTF-8). */
export const Serdes = {
  string: {
    serialize: (v: string | null) => {
      if (v === null) return null;
      if (typeof v !== 'string') throw new TypeError(`string serializer expects a string, got ${typeof v}`);
      return Buffer.from(v, 'utf8');
    },
    deserialize: (d: Buffer | null) => (d === null ? null : d.toString('utf8')),
  } satisfies Serde<string | null>,
  /** ShortSerializer: int16 big-endian. */
  short: {
    serialize: (v: number | null) => {
      if (v === null) return null;
      const b = Buffer.allocUnsafe(2);
      b.writeInt16BE(integerIn('short', v, -0x8000, 0x7fff));
      return b;
    },
    deserialize: (d: Buffer | null) => {
      if (d === null) return null;
      fixed(2, 'short', d);
      return d.readInt16BE(0);
    },
  } satisfies Serde<number | null>,
  /** IntegerSerializer: int32 big-endian. */
  integer: {
    serialize: (v: number | null) => {
      if (v === null) return null;
      const b = Buffer.allocUnsafe(4);
      b.writeInt32BE(integerIn('integer', v, -0x80000000, 0x7fffffff));
      return b;
    },
    deserialize: (d: Buffer | null) => {
      if (d === null) return null;
      fixed(4, 'integer', d);
      return d.readInt32BE(0);
    },
  } satisfies Serde<number | null>,
  /** LongSerializer: int64 big-endian, as bigint. */
  long: {
    serialize: (v: bigint | null) => {
      if (v === null) return null;
      if (typeof v !== 'bigint') throw new TypeError(`long serializer expects a bigint, got ${typeof v}`);
      const b = Buffer.allocUnsafe(8);
      b.writeBigInt64BE(v);
      return b;
    },
    deserialize: (d: Buffer | null) => {
      if (d === null) return null;
      fixed(8, 'long', d);
      return d.readBigInt64BE(0);
    },
  } satisfies Serde<bigint | null>,
  /** DoubleSerializer: IEEE 754 big-endian. */
  double: {
    serialize: (v: number | null) => {
      if (v === null) return null;
      if (typeof v !== 'number') throw new TypeError(`double serializer expects a number, got ${typeof v}`);
      const b = Buffer.allocUnsafe(8);
      b.writeDoubleBE(v);
      return b;
    },
    deserialize: (d: Buffer | null) => {
      if (d === null) return null;
      fixed(8, 'double', d);
      return d.readDoubleBE(0);
    },
  } satisfies Serde<number | null>,
  /** ByteArraySerializer: bytes unchanged. */
  bytes: {
    serialize: (v: Uint8Array | null) => {
      if (v === null) return null;
      if (!(v instanceof Uint8Array))
        throw new TypeError(`bytes serializer expects a Buffer or Uint8Array, got ${typeof v}`);
      return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length);
    },
    deserialize: (d: Buffer | null) => d,
  } satisfies Serde<Uint8Array | null>,
  /** JSON as UTF-8 text. */
  json: {
    serialize: (v: unknown) => (v === null || v === undefined ? null : Buffer.from(JSON.stringify(v), 'utf8')),
    deserialize: (d: Buffer | null) => (d === null ? null : (JSON.parse(d.toString('utf8')) as unknown)),
  } satisfies Serde<unknown>,
} as const;

export type SerdeName = keyof typeof Serdes;

/** A serializer given by name or as an object; anything else is a configuration error. */
export function resolveSerializer<T>(key: string, value: SerdeName | Serializer<T> | undefined): Serializer<T> {
  if (value === undefined) return Serdes.bytes as unknown as Serializer<T>;
  if (typeof value === 'string') {
    const named = (Serdes as Record<string, Serializer<unknown>>)[value];
    if (named === undefined)
      throw new ConfigError(key, `unknown serializer "${value}" (${Object.keys(Serdes).join(', ')})`);
    return named as Serializer<T>;
  }
  if (typeof value !== 'object' || typeof value.serialize !== 'function') {
    throw new ConfigError(key, 'expected a serializer name or an object with serialize(value, topic)');
  }
  return value;
}

export function resolveDeserializer<T>(key: string, value: SerdeName | Deserializer<T> | undefined): Deserializer<T> {
  if (value === undefined) return Serdes.bytes as unknown as Deserializer<T>;
  if (typeof value === 'string') {
    const named = (Serdes as Record<string, Deserializer<unknown>>)[value];
    if (named === undefined)
      throw new ConfigError(key, `unknown deserializer "${value}" (${Object.keys(Serdes).join(', ')})`);
    return named as Deserializer<T>;
  }
  if (typeof value !== 'object' || typeof value.deserialize !== 'function') {
    throw new ConfigError(key, 'expected a deserializer name or an object with deserialize(data, topic)');
  }
  return value;
}
