import type { FieldSpec } from './schema.js';

/** Primitive Kafka field types and how they map to reader/writer methods and TypeScript. */
const FIXED: Record<string, { method: string; ts: string }> = {
  bool: { method: 'Bool', ts: 'boolean' },
  int8: { method: 'Int8', ts: 'number' },
  int16: { method: 'Int16', ts: 'number' },
  uint16: { method: 'UInt16', ts: 'number' },
  int32: { method: 'Int32', ts: 'number' },
  uint32: { method: 'UInt32', ts: 'number' },
  int64: { method: 'Int64', ts: 'bigint' },
  float64: { method: 'Float64', ts: 'number' },
  uuid: { method: 'Uuid', ts: 'string' },
};

export function isArray(type: string): boolean {
  return type.startsWith('[]');
}

export function elementType(type: string): string {
  return isArray(type) ? type.slice(2) : type;
}

export function isPrimitive(type: string): boolean {
  return type in FIXED || type === 'string' || type === 'bytes' || type === 'records';
}

export function isStructType(type: string): boolean {
  return !isPrimitive(elementType(type));
}

/** TypeScript type of one value of a (non-array) type. */
export function tsScalar(type: string): string {
  const fixed = FIXED[type];
  if (fixed) return fixed.ts;
  if (type === 'string') return 'string';
  if (type === 'bytes' || type === 'records') return 'Buffer';
  return type;
}

export function tsType(field: FieldSpec, canBeNull: boolean): string {
  const base = isArray(field.type) ? `${tsScalar(elementType(field.type))}[]` : tsScalar(field.type);
  return canBeNull ? `${base} | null` : base;
}

/** Expression reading one value of a non-array type. */
export function readScalar(type: string, flexible: boolean, nullable: boolean): string {
  const fixed = FIXED[type];
  if (fixed) return `r.read${fixed.method}()`;
  const compact = flexible ? 'Compact' : '';
  const maybeNull = nullable ? 'Nullable' : '';
  if (type === 'string') return `r.read${compact}${maybeNull}String()`;
  if (type === 'bytes' || type === 'records') return `r.read${compact}${maybeNull}Bytes()`;
  // A struct; nullable structs carry an int8 marker (-1 null, 1 present).
  return nullable ? `(r.readInt8() < 0 ? null : read$${type}(r, v))` : `read$${type}(r, v)`;
}

/** Statements writing one value of a non-array type held in `value` (already checked non-null if needed). */
export function writeScalar(type: string, value: string, flexible: boolean, nullable: boolean): string {
  const fixed = FIXED[type];
  if (fixed) return `w.write${fixed.method}(${value});`;
  const compact = flexible ? 'Compact' : '';
  const maybeNull = nullable ? 'Nullable' : '';
  if (type === 'string') return `w.write${compact}${maybeNull}String(${value});`;
  if (type === 'bytes' || type === 'records') return `w.write${compact}${maybeNull}Bytes(${value});`;
  if (nullable)
    return `if (${value} === null) w.writeInt8(-1); else { w.writeInt8(1); write$${type}(w, ${value}, v); }`;
  return `write$${type}(w, ${value}, v);`;
}

/** The default value of a field as a TypeScript expression. */
export function defaultExpr(field: FieldSpec): string {
  const d = field.default;
  if (d === 'null') return 'null';
  if (isArray(field.type)) return '[]';
  const type = field.type;
  if (type === 'bool') return d === true || d === 'true' ? 'true' : 'false';
  if (type === 'int64') return d === undefined ? '0n' : `${BigInt(String(d))}n`;
  if (type in FIXED && type !== 'uuid') return d === undefined ? '0' : String(Number(d));
  if (type === 'uuid') return '$ZERO_UUID';
  if (type === 'string') return JSON.stringify(d === undefined ? '' : String(d));
  if (type === 'bytes') return '$EMPTY_BUFFER';
  if (type === 'records')
    return field.nullableVersions.lowest <= field.nullableVersions.highest ? 'null' : '$EMPTY_BUFFER';
  return `create${type}()`;
}

/** Expression true when `value` equals the field's default (decides whether tagged/absent fields matter). */
export function isDefaultExpr(field: FieldSpec, value: string): string {
  const d = defaultExpr(field);
  if (d === 'null') return `${value} === null`;
  if (isArray(field.type) || field.type === 'bytes' || field.type === 'records')
    return `(${value} !== null && ${value}.length === 0)`;
  // A generated per-struct check: no default object is built and no generic walk runs per encode.
  if (isStructType(field.type)) {
    const mayBeNull = field.nullableVersions.lowest <= field.nullableVersions.highest;
    return mayBeNull ? `(${value} !== null && isDefault$${field.type}(${value}))` : `isDefault$${field.type}(${value})`;
  }
  return `${value} === ${d}`;
}
