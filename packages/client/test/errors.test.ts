import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, KafkaError } from '@fluxo/protocol';
import { ConfigError, ConnectionError, KafkaClientError, kafkaError } from '../src/errors.js';

describe('KafkaClientError', () => {
  it('is the type of every Kafka-named error: response codes, client classes, copies from another install', () => {
    assert.ok(kafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'x') instanceof KafkaClientError);
    assert.ok(new KafkaError(ErrorCode.INVALID_PARTITIONS) instanceof KafkaClientError);
    assert.ok(new ConnectionError('down') instanceof KafkaClientError);
    const fromAnotherCopy = Object.assign(new Error('x'), {
      name: 'NOT_COORDINATOR',
      code: 16,
      retriable: true,
      isKafkaError: true,
    });
    assert.ok(fromAnotherCopy instanceof KafkaClientError);
  });

  it('is not any error, and subclasses keep their own prototype check', () => {
    assert.ok(!(new Error('plain') instanceof KafkaClientError));
    assert.ok(!((null as unknown as object) instanceof KafkaClientError));
    assert.ok(!(new ConnectionError('down') instanceof ConfigError));
    assert.ok(!(kafkaError(ErrorCode.INVALID_CONFIG, 'x') instanceof ConfigError));
    assert.ok(new ConfigError('lingerMs', 'bad') instanceof ConfigError);
  });
});
