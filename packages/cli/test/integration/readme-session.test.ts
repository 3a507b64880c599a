// The root README's "Command line" session, run step by step against a fresh broker: each
// command's output must be the README's (timestamps and perf numbers aside), so the
// documented session cannot drift from what the binary does.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { type Broker, fluxoEnv, MAIN, startBroker } from './harness.js';

const README = fileURLToPath(new URL('../../../../../README.md', import.meta.url));

interface Step {
  command: string;
  expected: string;
}

/** The ```sh block of the "## Command line" section: `$ command` lines, each followed by its output. */
function sessionSteps(markdown: string): Step[] {
  const section = markdown.slice(markdown.indexOf('\n## Command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(block !== null, 'the Command line section has a sh block');
  const steps: Step[] = [];
  for (const line of block[1]!.replace(/\n$/, '').split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: '' });
    else if (steps.length > 0) steps[steps.length - 1]!.expected += `${line}\n`;
  }
  return steps.filter((s) => !s.command.startsWith('alias '));
}

/** What may differ from run to run: record timestamps and every number of a perf report. */
function normalize(step: Step, output: string): string {
  const text = output.replace(/"timestamp":\d+/g, '"timestamp":T');
  if (!/\bfluxo perf /.test(step.command)) return text;
  return text
    .split('\n')
    .map((l) =>
      l
        .replace(/\d+(\.\d+)?/g, '#')
        .replace(/ +/g, ' ')
        .trim(),
    )
    .join('\n');
}

/** Runs the README's command line in bash, `fluxo` being the built binary, stderr into stdout as a terminal shows them. */
function runStep(step: Step, broker: Broker): Promise<{ code: number | null; output: string }> {
  const script = `exec 2>&1\nfluxo() { '${process.execPath}' '${MAIN}' "$@"; }\n${step.command}\n`;
  const child = spawn('bash', ['-c', script], {
    env: fluxoEnv({ env: { FLUXO_BOOTSTRAP: broker.bootstrap } }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (output += t));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

let broker: Broker;
before(async () => {
  // The Quick start's broker, but without the 3 s wait for more group members: only the time changes.
  broker = await startBroker({ 'group.initial.rebalance.delay.ms': '0' });
});
after(() => broker.stop());

describe('the README command-line session', () => {
  const steps = sessionSteps(readFileSync(README, 'utf8'));

  it('has the steps it documents', () => {
    assert.ok(steps.length >= 8, `${steps.length} steps`);
    assert.ok(steps.every((s) => s.command.startsWith('fluxo ') || s.command.includes('| fluxo ')));
  });

  // In order: each step works on what the previous ones did.
  for (const [i, step] of steps.entries()) {
    it(`step ${i + 1}: ${step.command.replace(/ +#.*$/, '')}`, async () => {
      const { code, output } = await runStep(step, broker);
      assert.equal(code, 0, output);
      assert.equal(normalize(step, output), normalize(step, step.expected));
    });
  }
});
