/** Maps a schema's message name to the namespace @fluxo/protocol exports for it. */
import * as protocol from '@fluxo/protocol';
import type { Reader, Writer } from '@fluxo/protocol';
import type { MessageSpec } from '../src/schema.js';

/** The surface every generated module shares (nested createX factories are looked up by name). */
export interface GeneratedModule {
  readonly name: string;
  readonly lowestVersion: number;
  readonly highestVersion: number;
  readonly firstFlexibleVersion: number;
  create(init?: Record<string, unknown>): Record<string, unknown>;
  decode(r: Reader, version: number): Record<string, unknown>;
  encode(w: Writer, m: Record<string, unknown>, version: number): void;
  readonly [factory: string]: unknown;
}

export function moduleFor(spec: MessageSpec): GeneratedModule {
  const ns = (protocol as unknown as Record<string, GeneratedModule | undefined>)[spec.name];
  if (ns === undefined || typeof ns.decode !== 'function') throw new Error(`@fluxo/protocol exports no ${spec.name}`);
  if (ns.name !== spec.name) throw new Error(`@fluxo/protocol.${spec.name} is the module of ${ns.name}`);
  return ns;
}

/** Kafka's schemas, shipped beside the repository (see /work/shared/kafka-protocol/SOURCE.md). */
export const SCHEMA_DIR = new URL('../../../../../shared/kafka-protocol', import.meta.url).pathname;
