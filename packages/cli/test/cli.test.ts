import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fluxo-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fluxo(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
}

describe('fluxo command', () => {
  it('prints its version and usage', () => {
    assert.match(fluxo(['version']).stdout, /^\d+\.\d+\.\d+\n$/);
    const version = fluxo(['version', '--json']);
    assert.equal(version.status, 0, version.stderr);
    assert.match((JSON.parse(version.stdout) as { version: string }).version, /^\d+\.\d+\.\d+$/);
    const startHelp = fluxo(['start', '--help']);
    assert.equal(startHelp.status, 0, startHelp.stderr);
    assert.match(startHelp.stdout, /--config PATH/);
    assert.match(
      startHelp.stdout,
      /\nexamples:\n {2}fluxo start --data-dir \S+ --port \d+\n/,
      'an example, as every command has',
    );
    const unknown = fluxo(['stat']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "stat"/);
  });

  const refusals: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      'an unknown setting in the file',
      ['--config', join(dir, 'bad.properties')],
      {},
      /log\.retention\.hour: unknown setting/,
    ],
    ['an invalid value from a flag', ['--override', 'num.partitions=-1'], {}, /num\.partitions: must be at least 1/],
    ['an unknown FLUXO_ variable', [], { FLUXO_NUM_PARTITION: '3' }, /num\.partition: unknown setting/],
    ['a missing config file', ['--config', join(dir, 'missing.properties')], {}, /--config: cannot read/],
  ];
  writeFileSync(join(dir, 'bad.properties'), '# a typo\nlog.retention.hour=1\n');
  for (const [name, args, env, message] of refusals) {
    it(`refuses to start on ${name}, naming it`, () => {
      const r = fluxo(['start', '--data-dir', join(dir, 'never'), ...args], env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(existsSync(join(dir, 'never')), false, 'nothing written');
    });
  }

  it('starts from a properties file, logs one start-up line and shuts down cleanly on SIGTERM', async () => {
    const data = join(dir, 'data');
    writeFileSync(
      join(dir, 'server.properties'),
      `node.id=1\nprocess.roles=broker,controller\nlisteners=PLAINTEXT://127.0.0.1:0\nlog.dirs=${data}\nnum.partitions=3\n`,
    );
    const child = spawn(process.execPath, [MAIN, 'start', '--config', join(dir, 'server.properties')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line:\n${stderr}`)), 15_000);
      child.stderr.on('data', (t: string) => {
        stderr += t;
        if (stderr.includes('started')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    assert.match(
      stderr,
      /msg="Fluxo \S+ started" version=\S+ .*listener=PLAINTEXT:\/\/127\.0\.0\.1:\d+ .*dataDir=\S+data/,
    );
    // The exit code, or the signal's name if a signal ended the process (for a useful failure message).
    const code = await new Promise<number | string | null>((resolve) => {
      child.once('exit', (c, signal) => resolve(c ?? signal));
      child.kill('SIGTERM');
    });
    assert.equal(code, 0, stderr);
    assert.match(stderr, /shut down cleanly/);
    assert.ok(existsSync(join(data, 'meta.properties')));
    assert.ok(existsSync(join(data, 'recovery-point-offset-checkpoint')), 'checkpoints written on shutdown');
  });
});
