// The README's Produce, Group admin and Admin examples, run in that order against a fresh
// broker (each block as its own module, TypeScript stripped by tsc's transpiler), so the
// documented calls cannot drift from the client's API or behaviour.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import { BrokerProcess } from './broker-process.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const CLIENT_INDEX = new URL('../../src/index.js', import.meta.url).href;
const SECTIONS = ['Produce', 'Group admin', 'Admin'];
const RUN_TIMEOUT_MS = 60_000;

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';

/** The ```ts block of the "## <title>" section. */
function blockOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  assert.ok(start >= 0, `README has a "${title}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.slice(start, end < 0 ? undefined : end));
  assert.ok(block !== null, `the "${title}" section has a ts block`);
  return block[1]!;
}

/** A runnable module: our build instead of the package name, the test broker instead of localhost:9092. */
function moduleOf(source: string, bootstrap: string): string {
  const imported = source.includes("from '@fluxo/client'")
    ? source
    : `import { Admin, isKafkaError, throwIfAnyFailed } from '@fluxo/client';\n${source}`;
  const js = ts.transpileModule(imported, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return js.replaceAll("'@fluxo/client'", `'${CLIENT_INDEX}'`).replaceAll('localhost:9092', bootstrap);
}

function run(file: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { timeout: RUN_TIMEOUT_MS }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, output: stdout + stderr });
    });
  });
}

describe('README examples', { skip }, () => {
  let broker: BrokerProcess;
  let dir: string;

  before(async () => {
    broker = await BrokerProcess.start();
    dir = mkdtempSync(join(tmpdir(), 'fluxo-readme-'));
  });
  after(async () => {
    await broker?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the Produce, Group admin and Admin examples in order', {
    timeout: SECTIONS.length * RUN_TIMEOUT_MS,
  }, async () => {
    const markdown = readFileSync(README, 'utf8');
    for (const [i, title] of SECTIONS.entries()) {
      const file = join(dir, `${i}.mjs`);
      writeFileSync(file, moduleOf(blockOf(markdown, title), broker.bootstrap));
      const { code, output } = await run(file);
      assert.equal(code, 0, `the "${title}" example exits 0:\n${output}`);
    }
  });
});
