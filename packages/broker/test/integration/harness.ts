import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { BrokerServer } from '../../src/server.js';

/**
 * Integration-test harness: brokers in this process or as child processes,
 * and the external clients (kcat, python3 confluent_kafka). The broker
 * package cannot depend on @fluxo/testkit (testkit depends on broker), so this
 * mirrors testkit's helpers over the broker's own sources.
 */
export const HOST = '127.0.0.1';
const BIN = fileURLToPath(new URL('../../src/bin.js', import.meta.url));
const PYTHON = '/usr/bin/python3';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'fluxo-it-'));
}

export interface RunningBroker {
  readonly bootstrap: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export async function startBroker(settings: Record<string, string> = {}, dataDir = tempDir()): Promise<RunningBroker> {
  const config = loadBrokerConfig([
    new Map(Object.entries({ 'log.dirs': dataDir, listeners: `PLAINTEXT://${HOST}:0`, ...settings })),
  ]);
  const logger = process.env.FLUXO_TEST_LOGS === '1' ? createLogger() : silentLogger;
  const server = await BrokerServer.start({ config, logger });
  return {
    bootstrap: server.bootstrap,
    port: server.port,
    dataDir,
    stop: () => server.stop(),
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface ChildBroker {
  readonly bootstrap: string;
  readonly port: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  logs(): string;
}

/** `fluxo start` as a real process (crash tests); resolves when it listens. */
export function spawnBroker(dataDir: string, port = 0, settings: Record<string, string> = {}): Promise<ChildBroker> {
  const args = [BIN, '--data-dir', dataDir, '--override', `listeners=PLAINTEXT://${HOST}:${port}`];
  for (const [k, v] of Object.entries(settings)) args.push('--override', `${k}=${v}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${stderr}`)), 20_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr += text;
      const m = /msg="Fluxo [^"]* started".* advertised=(\S+):(\d+)/.exec(stderr);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ bootstrap: `${m[1]}:${m[2]}`, port: Number(m[2]), child, exited, logs: () => stderr });
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`broker exited (${code}) before listening:\n${stderr}`));
    });
  });
}

export interface ProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(file: string, args: string[], input?: string, timeoutMs = 60_000): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

export const kcat = (args: string[], input?: string, timeoutMs?: number) => run('kcat', args, input, timeoutMs);

/** Runs a python3 snippet with confluent_kafka; BOOTSTRAP is defined for it. */
export function python(bootstrap: string, code: string, timeoutMs?: number): Promise<ProcessResult> {
  return run(PYTHON, ['-c', `BOOTSTRAP = ${JSON.stringify(bootstrap)}\n${code}`], undefined, timeoutMs);
}
