import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_LOG_CONFIG,
  InvalidConfigError,
  LONG_MAX,
  logConfigFromBrokerProperties,
  logConfigValueString,
  resolveLogConfig,
  TOPIC_CONFIGS,
  validateTopicConfigs,
} from '../src/index.js';

describe('topic configs', () => {
  it("has Kafka's defaults", () => {
    assert.equal(DEFAULT_LOG_CONFIG.retentionMs, 604_800_000);
    assert.equal(DEFAULT_LOG_CONFIG.retentionBytes, -1);
    assert.equal(DEFAULT_LOG_CONFIG.segmentBytes, 1_073_741_824);
    assert.equal(DEFAULT_LOG_CONFIG.maxMessageBytes, 1_048_588);
    assert.equal(DEFAULT_LOG_CONFIG.indexIntervalBytes, 4096);
    assert.equal(DEFAULT_LOG_CONFIG.flushMessages, LONG_MAX);
    assert.deepEqual(DEFAULT_LOG_CONFIG.cleanupPolicy, ['delete']);
    assert.equal(DEFAULT_LOG_CONFIG.messageTimestampType, 'CreateTime');
    assert.equal(logConfigValueString(DEFAULT_LOG_CONFIG, 'flush.ms'), '9223372036854775807');
    for (const def of TOPIC_CONFIGS) assert.notEqual(logConfigValueString(DEFAULT_LOG_CONFIG, def.name), undefined);
  });

  it('takes broker synonyms in Kafka priority order, with unit conversion', () => {
    assert.equal(logConfigFromBrokerProperties({ 'log.retention.hours': '1' }).retentionMs, 3_600_000);
    assert.equal(
      logConfigFromBrokerProperties({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).retentionMs,
      120_000,
    );
    assert.equal(
      logConfigFromBrokerProperties({ 'log.retention.ms': '5', 'log.retention.minutes': '2' }).retentionMs,
      5,
    );
    assert.equal(logConfigFromBrokerProperties({ 'log.roll.hours': '2' }).segmentMs, 7_200_000);
    assert.equal(logConfigFromBrokerProperties({ 'message.max.bytes': '2000' }).maxMessageBytes, 2000);
    assert.equal(logConfigFromBrokerProperties({ 'log.flush.interval.messages': '1' }).flushMessages, 1);
  });

  it('names the broker setting in errors', () => {
    assert.throws(() => logConfigFromBrokerProperties({ 'log.segment.bytes': 'big' }), /log\.segment\.bytes/);
  });

  it('applies topic overrides and rejects bad ones with INVALID_CONFIG messages', () => {
    const c = resolveLogConfig(DEFAULT_LOG_CONFIG, { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' });
    assert.equal(c.retentionMs, 1000);
    assert.deepEqual(c.cleanupPolicy, ['compact', 'delete']);
    assert.throws(() => resolveLogConfig(DEFAULT_LOG_CONFIG, { 'retention.ms': '-5' }), InvalidConfigError);
    assert.match(validateTopicConfigs({ 'no.such.config': '1' }) ?? '', /Unknown topic config name: no\.such\.config/);
    assert.match(validateTopicConfigs({ 'cleanup.policy': 'forever' }) ?? '', /cleanup\.policy/);
    assert.match(validateTopicConfigs({ 'message.timestamp.type': 'Now' }) ?? '', /CreateTime, LogAppendTime/);
    assert.match(validateTopicConfigs({ 'max.message.bytes': '99999999999' }) ?? '', /out of range/);
    assert.match(validateTopicConfigs({ 'min.insync.replicas': '0' }) ?? '', /at least 1/);
    assert.equal(validateTopicConfigs({ 'segment.bytes': '1048576', preallocate: 'TRUE' }), null);
  });
});
