import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ERROR_CODES, ErrorCode, errorCodeInfo } from '../../src/errors/error-codes.js';
import { KafkaError, isKafkaError } from '../../src/errors/kafka-error.js';
import { readJsonFixture } from '../records/fixtures.js';

/** Dumped from kafka-clients 4.0.0's Errors enum by test/errors/java/ErrorTable.java. */
interface JavaError {
  code: number;
  name: string;
  retriable: boolean;
  message: string | null;
}

test('the table equals Kafka 4.0 Errors.java entry for entry', () => {
  const java = readJsonFixture<JavaError[]>('errors/kafka-4.0-errors.json');
  assert.equal(ERROR_CODES.length, java.length);
  for (const e of java) {
    assert.deepEqual(errorCodeInfo(e.code), {
      code: e.code,
      name: e.name,
      retriable: e.retriable,
      message: e.message ?? '',
    });
  }
});

test('a sample of well-known codes, names and retriable flags', () => {
  const sample: [number, string, boolean][] = [
    [-1, 'UNKNOWN_SERVER_ERROR', false],
    [0, 'NONE', false],
    [1, 'OFFSET_OUT_OF_RANGE', false],
    [2, 'CORRUPT_MESSAGE', true],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', true],
    [6, 'NOT_LEADER_OR_FOLLOWER', true],
    [7, 'REQUEST_TIMED_OUT', true],
    [10, 'MESSAGE_TOO_LARGE', false],
    [15, 'COORDINATOR_NOT_AVAILABLE', true],
    [16, 'NOT_COORDINATOR', true],
    [25, 'UNKNOWN_MEMBER_ID', false],
    [27, 'REBALANCE_IN_PROGRESS', false],
    [35, 'UNSUPPORTED_VERSION', false],
    [36, 'TOPIC_ALREADY_EXISTS', false],
    [47, 'INVALID_PRODUCER_EPOCH', false],
    [51, 'CONCURRENT_TRANSACTIONS', true],
    [76, 'UNSUPPORTED_COMPRESSION_TYPE', false],
    [87, 'INVALID_RECORD', false],
    [100, 'UNKNOWN_TOPIC_ID', true],
    [110, 'FENCED_MEMBER_EPOCH', false],
  ];
  for (const [code, name, retriable] of sample) {
    const info = errorCodeInfo(code);
    assert.equal(info?.name, name, `code ${code}`);
    assert.equal(info?.retriable, retriable, name);
    assert.equal(ErrorCode[name as keyof typeof ErrorCode], code);
  }
  assert.equal(errorCodeInfo(9999), undefined);
});

test("KafkaError carries name, code, retriable and Kafka's default message", () => {
  const e = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(e.name, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(e.code, 6);
  assert.equal(e.retriable, true);
  assert.match(e.message, /leader/i);
  assert.ok(e instanceof Error && isKafkaError(e));
  const custom = new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'x' already exists.");
  assert.equal(custom.message, "Topic 'x' already exists.");
  assert.equal(custom.retriable, false);
  const unknown = new KafkaError(31337);
  assert.equal(unknown.name, 'UNKNOWN_SERVER_ERROR');
  assert.equal(unknown.retriable, false);
  assert.equal(isKafkaError(new Error('x')), false);
  assert.equal(isKafkaError({ isKafkaError: true, code: 1 }), true, 'duck-typed across package copies');
});
