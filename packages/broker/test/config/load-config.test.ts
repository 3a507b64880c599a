import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { envNameToSetting, settingsFromEnv } from '../../src/config/config-sources.js';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { configFromArgs } from '../../src/main.js';

const load = (settings: Record<string, string>) => loadBrokerConfig([new Map(Object.entries(settings))]);

describe('loadBrokerConfig', () => {
  it("uses Kafka's defaults and Fluxo's documented ones", () => {
    const c = load({});
    assert.equal(c.nodeId, 1);
    assert.deepEqual(c.processRoles, ['broker', 'controller']);
    assert.deepEqual(c.listener, { name: 'PLAINTEXT', host: 'localhost', port: 9092 });
    assert.deepEqual(c.logDirs, ['./data']);
    assert.equal(c.numPartitions, 1);
    assert.equal(c.messageMaxBytes, 1048588);
    assert.equal(c.socketRequestMaxBytes, 104857600);
    assert.equal(c.logRetentionMs, 168 * 3_600_000);
    assert.equal(c.logDefaults.retentionMs, 168 * 3_600_000);
    assert.equal(c.logDefaults.maxMessageBytes, 1048588);
    assert.equal(c.autoCreateTopicsEnable, true);
  });

  it('derives retention from the most specific of ms, minutes, hours', () => {
    assert.equal(load({ 'log.retention.hours': '1' }).logRetentionMs, 3_600_000);
    assert.equal(load({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).logRetentionMs, 120_000);
    const c = load({ 'log.retention.minutes': '2', 'log.retention.ms': '5' });
    assert.equal(c.logRetentionMs, 5);
    assert.equal(c.logDefaults.retentionMs, 5);
  });

  it('passes log settings to the topic defaults', () => {
    const c = load({ 'log.segment.bytes': '1048576', 'message.max.bytes': '2000', 'log.roll.hours': '2' });
    assert.equal(c.logDefaults.segmentBytes, 1048576);
    assert.equal(c.logDefaults.maxMessageBytes, 2000);
    assert.equal(c.logDefaults.segmentMs, 7_200_000);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ['unknown setting', { 'log.retention.hourz': '1' }, /log\.retention\.hourz: unknown setting/],
    ['not an integer', { 'num.partitions': 'three' }, /num\.partitions: expected an integer/],
    ['below minimum', { 'num.partitions': '0' }, /num\.partitions: must be at least 1/],
    ['bad boolean', { 'auto.create.topics.enable': 'yes' }, /auto\.create\.topics\.enable/],
    ['bad listener', { listeners: 'localhost:9092' }, /listeners: expected NAME:\/\/host:port/],
    ['SSL listener', { listeners: 'SSL://localhost:9093' }, /listeners: only PLAINTEXT/],
    ['segment too small', { 'log.segment.bytes': '10' }, /log\.segment\.bytes/],
    ['controller-only role', { 'process.roles': 'controller' }, /process\.roles/],
    ['enum value', { 'log.message.timestamp.type': 'Wallclock' }, /log\.message\.timestamp\.type/],
  ];
  for (const [name, settings, message] of bad) {
    it(`stops on ${name}, naming the setting`, () => {
      assert.throws(
        () => load(settings),
        (err: unknown) => err instanceof ConfigError && message.test(err.message),
      );
    });
  }

  it('lets later layers win', () => {
    const c = loadBrokerConfig([new Map([['num.partitions', '3']]), new Map([['num.partitions', '5']])]);
    assert.equal(c.numPartitions, 5);
    assert.ok(c.explicit.has('num.partitions'));
    assert.ok(!c.explicit.has('log.segment.bytes'));
  });
});

describe('environment and flags', () => {
  it('maps FLUXO_* names with the Kafka docker convention', () => {
    assert.equal(envNameToSetting('FLUXO_LOG_DIRS'), 'log.dirs');
    assert.equal(envNameToSetting('FLUXO_LOG_RETENTION_MS'), 'log.retention.ms');
    assert.equal(envNameToSetting('FLUXO_A__B___C'), 'a_b-c');
  });

  it('reads FLUXO_* settings, skips tooling variables, rejects unknown names', () => {
    const env = { FLUXO_NUM_PARTITIONS: '4', FLUXO_TEST_FILTER: 'x', PATH: '/bin' };
    assert.deepEqual(Object.fromEntries(settingsFromEnv(env)), { 'num.partitions': '4' });
    assert.throws(() => settingsFromEnv({ FLUXO_NUM_PARTITION: '4' }), /num\.partition: unknown setting/);
  });

  it('orders file < environment < flags, and --port changes only the port', () => {
    const c = configFromArgs(['--override', 'num.partitions=7', '--data-dir', '/tmp/x', '--port', '19092'], {
      FLUXO_NUM_PARTITIONS: '4',
      FLUXO_DEFAULT_REPLICATION_FACTOR: '1',
    });
    assert.ok(c !== 'help');
    assert.equal(c.numPartitions, 7);
    assert.deepEqual(c.logDirs, ['/tmp/x']);
    assert.deepEqual(c.listener, { name: 'PLAINTEXT', host: 'localhost', port: 19092 });
  });

  it('rejects unknown flags', () => {
    assert.throws(() => configFromArgs(['--data-dri', 'x'], {}), /--data-dri: unknown flag/);
  });
});
