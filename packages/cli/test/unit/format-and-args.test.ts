import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConsumerRecord } from '@fluxo/client';
import { type CommandSpec, helpText, keyValues, parseCommand, UsageError } from '../../src/cli/args.js';
import { foreignReplyMessage } from '../../src/cli/foreign-reply.js';
import { formatTable, toJson } from '../../src/cli/output.js';
import { compileFormat, recordJson } from '../../src/commands/record-format.js';

const record: ConsumerRecord<Buffer, Buffer> = {
  topic: 'orders',
  partition: 2,
  offset: 41n,
  timestamp: 1_700_000_000_000n,
  timestampType: 0,
  leaderEpoch: 0,
  key: Buffer.from('k'),
  value: null,
  headers: [
    { key: 'a', value: Buffer.from('1') },
    { key: 'b', value: null },
  ],
};

const spec: CommandSpec = {
  name: 'demo run',
  args: '<thing>',
  summary: 'A demo.',
  options: {
    count: { type: 'string', value: 'N', help: 'how many' },
    config: { type: 'string', value: 'K=V', multiple: true, help: 'settings' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['fluxo demo run x'],
  cluster: true,
};

describe('record format', () => {
  it('fills every placeholder and the escapes', () => {
    const format = compileFormat('{topic}/{partition}@{offset} {timestamp}\\t{key}={value} [{headers}]\\n');
    assert.equal(format(record), 'orders/2@41 1700000000000\tk=null [a=1,b=null]\n');
  });
  it('rejects an unknown placeholder', () => {
    assert.throws(() => compileFormat('{value} {partiton}'), /unknown placeholder \{partiton\}/);
  });
  it('has a JSON form with text and exact numbers', () => {
    assert.equal(
      toJson(recordJson(record)),
      '{"topic":"orders","partition":2,"offset":41,"timestamp":1700000000000,"timestampType":"CreateTime","key":"k","value":null,"headers":[{"key":"a","value":"1"},{"key":"b","value":null}]}',
    );
    assert.equal(toJson({ big: 2n ** 63n - 1n }), '{"big":"9223372036854775807"}', 'beyond 2^53 as a string');
  });
});

describe('tables', () => {
  it('pads columns and right-aligns numeric ones', () => {
    assert.equal(
      formatTable(
        ['NAME', 'COUNT', 'NOTE'],
        [
          ['a', 1, 'x'],
          ['long-name', 100n, null],
        ],
      ),
      'NAME       COUNT  NOTE\na              1  x\nlong-name    100  -',
    );
  });
});

describe('argument parsing', () => {
  it('parses options, repeats and negative numbers as values', () => {
    const args = parseCommand(spec, ['x', '--count', '-3', '--config', 'a=1', '--config', 'b=2=3', '--json']);
    assert.deepEqual(args.positionals, ['x']);
    assert.equal(args.values.count, '-3');
    assert.deepEqual(
      [...keyValues(args, 'config')],
      [
        ['a', '1'],
        ['b', '2=3'],
      ],
    );
    assert.equal(args.values.json, true);
  });
  it('splits comma-separated pairs outside brackets, a bracketed value being a list', () => {
    const args = parseCommand(spec, ['x', '--config', 'a=1,b=[x,y],c=', '--config', 'd=[z]']);
    assert.deepEqual(
      [...keyValues(args, 'config', true)],
      [
        ['a', '1'],
        ['b', 'x,y'],
        ['c', ''],
        ['d', 'z'],
      ],
    );
    assert.deepEqual([...keyValues(args, 'config')].slice(0, 1), [['a', '1,b=[x,y],c=']], 'one pair when not split');
    for (const bad of ['a=[x,y', 'a=x],b=1']) {
      const badArgs = parseCommand(spec, ['x', '--config', bad]);
      assert.throws(() => keyValues(badArgs, 'config', true), /unbalanced \[ \]/, bad);
    }
  });
  it('reports usage errors with the help text', () => {
    for (const argv of [[], ['x', 'y'], ['x', '--nope'], ['x', '--count']]) {
      assert.throws(
        () => parseCommand(spec, argv),
        (err: unknown) => err instanceof UsageError && err.help === helpText(spec),
        JSON.stringify(argv),
      );
    }
  });
  it('lets --help through without positionals', () => {
    assert.equal(parseCommand(spec, ['--help']).help, true);
    assert.match(
      helpText(spec),
      /^usage: fluxo demo run <thing> \[options\]\n\nA demo\.\n\noptions:\n {2}--count N +how many\n/,
    );
  });
});

describe('a reply that is not Kafka', () => {
  const frameError = (size: number) =>
    new Error('no broker reachable (tried 1)', {
      cause: new Error(`10.0.0.1:9092: frame of ${size} bytes exceeds the limit of 104857600`),
    });
  it('names the address and the bytes received, as text when printable', () => {
    assert.equal(
      foreignReplyMessage(frameError(0x48545450)),
      "10.0.0.1:9092 does not look like a Kafka broker (received 'HTTP')",
    );
    // A TLS alert: not text.
    assert.equal(
      foreignReplyMessage(frameError(0x15030300)),
      '10.0.0.1:9092 does not look like a Kafka broker (received 0x15030300)',
    );
    assert.equal(
      foreignReplyMessage(frameError(-1)),
      '10.0.0.1:9092 does not look like a Kafka broker (received 0xffffffff)',
    );
  });
  it('leaves other errors alone', () => {
    assert.equal(foreignReplyMessage(new Error('connect ECONNREFUSED 127.0.0.1:1')), null);
    assert.equal(foreignReplyMessage('frame of 5 bytes exceeds the limit'), null);
  });
});
