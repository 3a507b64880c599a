// Help and usage errors (exit 2), as text or as JSON, through the built binary; no broker needed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fluxo } from './harness.js';

const COMMANDS = [
  'topics list',
  'topics describe',
  'topics create',
  'topics delete',
  'topics alter',
  'groups list',
  'groups describe',
  'groups delete',
  'groups reset-offsets',
  'configs describe',
  'configs alter',
  'produce',
  'consume',
  'perf produce',
  'perf consume',
];

describe('fluxo help', { concurrency: 4 }, () => {
  for (const command of COMMANDS) {
    it(`${command} --help prints usage, options and an example, exit 0`, async () => {
      const r = await fluxo([...command.split(' '), '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: fluxo ${command}`));
      assert.match(r.stdout, /--bootstrap-server HOST:PORT/);
      assert.match(r.stdout, /--json/);
      assert.match(r.stdout, new RegExp(`examples?:\\n  (\\S+ .*\\| )?fluxo ${command.split(' ')[0]}`));
    });
  }

  it('lists the commands of a group, and the top-level commands', async () => {
    const topics = await fluxo(['topics', '--help']);
    assert.equal(topics.code, 0);
    for (const c of ['list', 'describe', 'create', 'delete', 'alter'])
      assert.match(topics.stdout, new RegExp(`\\n  ${c} `));
    const top = await fluxo(['help']);
    assert.equal(top.code, 0);
    for (const c of ['start', 'topics', 'groups', 'configs', 'produce', 'consume', 'perf']) {
      assert.match(top.stdout, new RegExp(`\\n  ${c} `));
    }
  });
});

describe('fluxo usage errors exit 2 and show the help', { concurrency: 4 }, () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['topics', 'list', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a missing topic', ['topics', 'create'], /missing topic name/],
    ['a non-integer', ['topics', 'create', 'x', '--partitions', 'three'], /--partitions: "three" is not an integer/],
    ['a zero partition count', ['topics', 'create', 'x', '--partitions', '0'], /--partitions: 0 is outside/],
    ['a config without =', ['topics', 'create', 'x', '--config', 'retention.ms'], /is not KEY=VALUE/],
    ['a bad bootstrap address', ['topics', 'list', '--bootstrap-server', 'nohost'], /"nohost" is not host:port/],
    ['a bad --acks', ['produce', 't', '--acks', '2'], /--acks: "2" is not 0, 1 or all/],
    ['a bad compression', ['produce', 't', '--compression', 'brotli'], /--compression: "brotli"/],
    ['two start positions', ['consume', 't', '--from-beginning', '--offset', '3'], /at most one of/],
    ['a bad format placeholder', ['consume', 't', '--format', '{vaule}'], /unknown placeholder \{vaule\}/],
    ['a bad timestamp', ['consume', 't', '--from-timestamp', 'yesterday'], /--from-timestamp: "yesterday"/],
    ['no entity', ['configs', 'describe'], /exactly one of --topic/],
    ['no reset target', ['groups', 'reset-offsets', 'g', '--topic', 't'], /exactly one of --to-earliest/],
    ['no reset scope', ['groups', 'reset-offsets', 'g', '--to-earliest'], /--topic or --all-topics/],
    ['no perf bound', ['perf', 'produce', 't'], /--num-records and\/or --duration-ms/],
    ['too many arguments', ['topics', 'alter', 'a', 'b'], /unexpected argument "b"/],
    ['--offset N without --partition', ['consume', 't', '--offset', '5'], /--offset 5 needs --partition/],
    [
      'an unknown group state',
      ['groups', 'list', '--state', 'Stable,Bogus'],
      /--state: "Bogus" is not a group state \(one of PreparingRebalance, CompletingRebalance, Stable, Dead, Empty/,
    ],
    [
      'an unclosed bracket in --add-config',
      ['configs', 'alter', '--topic', 't', '--add-config', 'cleanup.policy=[compact'],
      /--add-config: unbalanced \[ \] in "cleanup\.policy=\[compact"/,
    ],
    [
      '--execute with --dry-run',
      ['groups', 'reset-offsets', 'g', '--all-topics', '--to-earliest', '--execute', '--dry-run'],
      /--execute and --dry-run contradict each other/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`on ${name}`, async () => {
      const r = await fluxo(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\nusage: fluxo /, 'the help follows the error');
      assert.equal(r.stdout, '');
    });
  }

  it('as a JSON object on stderr with --json, and --format with --json is one', async () => {
    const r = await fluxo(['consume', 't', '--json', '--format', '{value}']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.deepEqual(JSON.parse(r.stderr), { error: 'UsageError', message: '--format and --json exclude each other' });
  });

  it('on an unknown command of a group, listing the group', async () => {
    const r = await fluxo(['topics', 'frob']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /topics: unknown command "frob"/);
    assert.match(r.stderr, /\n {2}create {2}/);
  });
});
