// Test helper: other Kafka clients reading what our producer wrote, run as
// child processes (kcat = librdkafka; the Java client through
// test/java/ProducerPeer.java). Every wait is bounded.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 60_000, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 1 << 28, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code =
          err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
        resolve({ code, stdout, stderr: stderr || (err?.message ?? '') });
      },
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

let kcatChecked: Promise<boolean> | null = null;
export function hasKcat(): Promise<boolean> {
  kcatChecked ??= run('kcat', ['-V'], 10_000).then((r) => r.code === 0);
  return kcatChecked;
}

/** One line per record of one partition, from the beginning, in offset order, formatted by kcat's -f. */
export async function kcatLines(
  bootstrap: string,
  topic: string,
  partition: number,
  format = '%k %s',
): Promise<string[]> {
  const r = await run(
    'kcat',
    ['-C', '-b', bootstrap, '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', `${format}\\n`],
    120_000,
  );
  if (r.code !== 0) throw new Error(`kcat failed (${r.code}): ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.length > 0);
}

const JAVA_DIR = fileURLToPath(new URL('../../../test/java/', import.meta.url));
const JARS = fileURLToPath(new URL('../../../../../tools/java-peer/target/lib/', import.meta.url));

/** Why the Java peer cannot run here, or false when it can. */
export function javaUnavailable(): string | false {
  return existsSync(JARS) ? false : `no Java client jars in ${JARS} (npm run setup)`;
}

/** Runs test/java/ProducerPeer.java with the kafka-clients 4.0 jars; parses its one JSON line. */
export async function javaPeer<T>(args: readonly string[], timeoutMs = 120_000): Promise<T> {
  const r = await run('java', ['-cp', `${JARS}*`, `${JAVA_DIR}ProducerPeer.java`, ...args], timeoutMs);
  if (r.code !== 0) throw new Error(`java ProducerPeer ${args[0]} failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}
