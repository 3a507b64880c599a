// What every cluster command shares: the bootstrap address, the timeout, JSON mode,
// and a bounded check that the cluster answers before any real work starts.
import type { Admin, ClientConfig } from '@fluxo/client';
import { loadClient, parseBootstrap } from './client-config.js';
import { boolOpt, DEFAULT_BOOTSTRAP, DEFAULT_TIMEOUT_MS, type ParsedArgs, parseIntIn, stringOpt } from './args.js';
import { UnreachableError } from './exit-codes.js';

export interface Context {
  readonly args: ParsedArgs;
  readonly bootstrap: string;
  readonly timeoutMs: number;
  readonly json: boolean;
  /** Client settings for Producer/Consumer/Admin: the timeout bounds connecting and each request. */
  clientConfig(): ClientConfig;
}

export function contextOf(args: ParsedArgs, env: NodeJS.ProcessEnv = process.env): Context {
  const bootstrap = stringOpt(args, 'bootstrap-server') ?? env.FLUXO_BOOTSTRAP ?? DEFAULT_BOOTSTRAP;
  parseBootstrap(bootstrap, args);
  const rawTimeout = stringOpt(args, 'timeout-ms') ?? env.FLUXO_TIMEOUT_MS;
  const timeoutMs =
    rawTimeout === undefined ? DEFAULT_TIMEOUT_MS : parseIntIn(args, '--timeout-ms', rawTimeout, 1, 3_600_000);
  return {
    args,
    bootstrap,
    timeoutMs,
    json: boolOpt(args, 'json') === true,
    clientConfig: () => ({
      bootstrapServers: bootstrap,
      clientId: 'fluxo-cli',
      requestTimeoutMs: timeoutMs,
      socketConnectionSetupTimeoutMs: timeoutMs,
    }),
  };
}

/** Rejects after `ms` with an UnreachableError; the timer never keeps the process alive. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnreachableError(what())), ms);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An Admin client whose cluster has answered (DescribeCluster) within the
 * timeout. A refused connection fails at once; a silent address fails when the
 * timeout expires; both name the bootstrap address.
 */
export async function connectAdmin(ctx: Context): Promise<Admin> {
  const { Admin, ConnectionError } = await loadClient();
  const admin = new Admin(ctx.clientConfig());
  try {
    await withDeadline(
      admin.describeCluster(),
      ctx.timeoutMs,
      () => `cannot reach bootstrap server ${ctx.bootstrap} within ${ctx.timeoutMs} ms (--timeout-ms)`,
    );
    return admin;
  } catch (err) {
    await admin.close();
    if (err instanceof ConnectionError) {
      throw new UnreachableError(`cannot connect to bootstrap server ${ctx.bootstrap}`, { cause: err.cause ?? err });
    }
    throw err;
  }
}

/** Runs `work` with a connected Admin and always closes it. */
export async function withAdmin<T>(ctx: Context, work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = await connectAdmin(ctx);
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}
