import { GENERATED_HEADER, kebab } from './emit-message.js';
import type { MessageSpec } from './schema.js';

export function modulePath(spec: MessageSpec): string {
  return `${spec.group}/${kebab(spec.name)}.ts`;
}

function importPath(spec: MessageSpec): string {
  return `./${modulePath(spec).replace(/\.ts$/, '.js')}`;
}

/** index.ts: every generated module as a namespace named after its message. */
export function emitIndex(specs: MessageSpec[]): string {
  const lines = [GENERATED_HEADER, ''];
  for (const spec of specs) lines.push(`export * as ${spec.name} from '${importPath(spec)}';`);
  lines.push("export * from './api-table.js';");
  lines.push('');
  return lines.join('\n');
}

/**
 * api-table.ts: api key → name, versions, flexible versions, listeners, and the
 * request/response codecs, so the broker picks its supported ranges from data.
 */
export function emitApiTable(specs: MessageSpec[]): string {
  const requests = specs.filter((s) => s.type === 'request').sort((a, b) => (a.apiKey ?? 0) - (b.apiKey ?? 0));
  const responses = new Map(specs.filter((s) => s.type === 'response').map((s) => [s.apiKey, s]));
  const lines = [GENERATED_HEADER, "import type { Reader, Writer } from '../primitives/index.js';"];
  for (const spec of requests) {
    const response = responses.get(spec.apiKey);
    if (!response) throw new Error(`no response schema for ${spec.name}`);
    lines.push(`import * as ${spec.name} from '${importPath(spec)}';`);
    lines.push(`import * as ${response.name} from '${importPath(response)}';`);
  }
  lines.push(`
/** A generated request or response codec. */
export interface MessageCodec<T = unknown> {
  readonly name: string;
  readonly lowestVersion: number;
  readonly highestVersion: number;
  readonly firstFlexibleVersion: number;
  decode(r: Reader, version: number): T;
  encode(w: Writer, m: T, version: number): void;
  create(init?: Partial<T>): T;
}

export interface ApiInfo {
  readonly apiKey: number;
  /** Kafka's name for the API, e.g. "Produce". */
  readonly name: string;
  readonly lowestVersion: number;
  readonly highestVersion: number;
  /** First flexible version, or -1 when no version is flexible. */
  readonly firstFlexibleVersion: number;
  /** Which listeners serve it: "broker", "controller", "zkBroker". */
  readonly listeners: readonly string[];
  /** True when Kafka marks the newest version as not yet stable. */
  readonly latestVersionUnstable: boolean;
  readonly request: MessageCodec;
  readonly response: MessageCodec;
}
`);
  lines.push('export const ApiKey = {');
  for (const spec of requests) lines.push(`  ${spec.name.replace(/Request$/, '')}: ${spec.apiKey},`);
  lines.push('} as const;');
  lines.push('');
  lines.push('export const API_TABLE: readonly ApiInfo[] = [');
  for (const spec of requests) {
    const response = responses.get(spec.apiKey) as MessageSpec;
    const flex = spec.flexibleVersions.lowest <= spec.flexibleVersions.highest ? spec.flexibleVersions.lowest : -1;
    lines.push(
      `  { apiKey: ${spec.apiKey}, name: ${JSON.stringify(spec.name.replace(/Request$/, ''))}, lowestVersion: ${spec.validVersions.lowest}, highestVersion: ${spec.validVersions.highest}, firstFlexibleVersion: ${flex}, listeners: ${JSON.stringify(spec.listeners)}, latestVersionUnstable: ${spec.latestVersionUnstable}, request: ${spec.name} as unknown as MessageCodec, response: ${response.name} as unknown as MessageCodec },`,
    );
  }
  lines.push('];');
  lines.push(`
const byKey: (ApiInfo | undefined)[] = [];
for (const api of API_TABLE) byKey[api.apiKey] = api;

/** The API with this key, or undefined when Kafka defines none. */
export function apiInfo(apiKey: number): ApiInfo | undefined {
  return byKey[apiKey];
}

/** Request header version for an API version: v2 when flexible, v1 otherwise (v0 for ControlledShutdown v0). */
export function requestHeaderVersion(apiKey: number, version: number): number {
  const api = byKey[apiKey];
  if (api === undefined) return 1;
  if (api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion) return 2;
  if (apiKey === ApiKey.ControlledShutdown && version === 0) return 0;
  return 1;
}

/** Response header version: v1 when flexible, v0 otherwise; ApiVersions always answers with v0 (KIP-511). */
export function responseHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === ApiKey.ApiVersions) return 0;
  const api = byKey[apiKey];
  if (api !== undefined && api.firstFlexibleVersion >= 0 && version >= api.firstFlexibleVersion) return 1;
  return 0;
}
`);
  return lines.join('\n');
}
