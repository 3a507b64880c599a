import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type VersionRange, parseVersions } from './versions.js';

/** A field as Kafka's JSON defines it, with its version specs parsed. */
export interface FieldSpec {
  name: string;
  type: string;
  about: string;
  versions: VersionRange;
  nullableVersions: VersionRange;
  taggedVersions: VersionRange;
  tag: number | undefined;
  ignorable: boolean;
  default: string | number | boolean | undefined;
  /** Field-level override of the message's flexible versions (only RequestHeader.ClientId uses it). */
  flexibleVersions: VersionRange | undefined;
  fields: FieldSpec[] | undefined;
}

export interface StructSpec {
  name: string;
  versions: VersionRange;
  fields: FieldSpec[];
}

export interface MessageSpec {
  /** Folder the JSON came from: messages, coordinator, metadata or raft. */
  group: string;
  file: string;
  name: string;
  type: string;
  apiKey: number | undefined;
  listeners: string[];
  validVersions: VersionRange;
  flexibleVersions: VersionRange;
  latestVersionUnstable: boolean;
  fields: FieldSpec[];
  commonStructs: StructSpec[];
}

/** Kafka's schema files are JSON with whole-line `//` comments. */
export function stripComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
}

// biome-ignore lint/suspicious/noExplicitAny: raw JSON from Kafka's schema files
function parseField(raw: any): FieldSpec {
  return {
    name: raw.name,
    type: raw.type,
    about: raw.about ?? '',
    versions: parseVersions(raw.versions),
    nullableVersions: parseVersions(raw.nullableVersions),
    taggedVersions: parseVersions(raw.taggedVersions),
    tag: raw.tag,
    ignorable: raw.ignorable === true,
    default: raw.default,
    flexibleVersions: raw.flexibleVersions === undefined ? undefined : parseVersions(raw.flexibleVersions),
    fields: raw.fields?.map(parseField),
  };
}

export function parseMessage(group: string, file: string, text: string): MessageSpec {
  const raw = JSON.parse(stripComments(text));
  return {
    group,
    file,
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey,
    listeners: raw.listeners ?? [],
    validVersions: parseVersions(raw.validVersions),
    flexibleVersions: parseVersions(raw.flexibleVersions),
    latestVersionUnstable: raw.latestVersionUnstable === true,
    fields: (raw.fields ?? []).map(parseField),
    // biome-ignore lint/suspicious/noExplicitAny: raw JSON
    commonStructs: (raw.commonStructs ?? []).map((s: any) => ({
      name: s.name,
      versions: parseVersions(s.versions),
      fields: s.fields.map(parseField),
    })),
  };
}

export const SCHEMA_GROUPS = ['messages', 'coordinator', 'metadata', 'raft'] as const;

export function loadSchemas(dir: string): MessageSpec[] {
  const specs: MessageSpec[] = [];
  for (const group of SCHEMA_GROUPS) {
    const folder = join(dir, group);
    for (const file of readdirSync(folder).sort()) {
      if (!file.endsWith('.json')) continue;
      specs.push(parseMessage(group, file, readFileSync(join(folder, file), 'utf8')));
    }
  }
  return specs;
}
