// The client library, loaded on first use: help and usage errors then start in a
// fraction of the time (loading @fluxo/protocol's codecs dominates start-up).
import { type ParsedArgs, usageError } from './args.js';

export type ClientModule = typeof import('@fluxo/client');

export function loadClient(): Promise<ClientModule> {
  return import('@fluxo/client');
}

/** Validates "host:port[,host:port]" the way the client will, but as a usage error (exit 2). */
export function parseBootstrap(value: string, args: ParsedArgs): void {
  for (const entry of value.split(',').map((s) => s.trim())) {
    const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(entry);
    const port = match === null ? Number.NaN : Number(match[2]);
    if (match === null || !(port >= 1 && port <= 65535)) {
      throw usageError(args, `--bootstrap-server: "${entry}" is not host:port`);
    }
  }
}
