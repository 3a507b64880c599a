import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { loadBrokerConfig } from '../../src/config/load-config.js';
import { silentLogger } from '../../src/log/logger.js';
import { BrokerServer } from '../../src/server.js';

/**
 * The data path through real sockets and real clients: kafkajs produces
 * (gzip, keys, headers, acks -1/1/0) and lists offsets; kcat (librdkafka)
 * reads everything back through Fetch with its own session handling.
 */
describe('data path with real clients', () => {
  let dir: string;
  let server: BrokerServer;
  let kafka: Kafka;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fluxo-real-clients-'));
    const config = loadBrokerConfig([
      new Map([
        ['log.dirs', dir],
        ['listeners', 'PLAINTEXT://127.0.0.1:0'],
      ]),
    ]);
    server = await BrokerServer.start({ config, logger: silentLogger });
    kafka = new Kafka({ brokers: [server.bootstrap], clientId: 'data-path-test', logLevel: logLevel.NOTHING });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kafkajs produces with every acks mode; ListOffsets and kcat see exactly what was acknowledged', async () => {
    const topic = 'round-trip';
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const startMs = Date.now();
    const expected = new Map<string, string>();
    for (const [round, acks] of [-1, 1, 0, 1].entries()) {
      const messages = Array.from({ length: 250 }, (_, i) => {
        const key = `key-${round}-${i}`;
        const value = `value-${round}-${i}-${'x'.repeat(i % 50)}`;
        expected.set(key, value);
        return { key, value, headers: { round: String(round) } };
      });
      await producer.send({ topic, acks, compression: CompressionTypes.GZIP, messages });
    }
    await producer.disconnect();

    let offsets = await admin.fetchTopicOffsets(topic);
    for (let tries = 0; offsets.reduce((n, o) => n + Number(o.high), 0) < 1000 && tries < 50; tries++) {
      await new Promise((r) => setTimeout(r, 20)); // acks=0 gives no confirmation
      offsets = await admin.fetchTopicOffsets(topic);
    }
    assert.equal(
      offsets.reduce((n, o) => n + Number(o.high), 0),
      1000,
    );
    assert.ok(offsets.every((o) => o.low === '0'));
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, startMs - 1000);
    assert.ok(byTime.every((o) => o.offset === '0'));
    await admin.disconnect();

    // Asynchronous: the broker runs in this process and must keep serving.
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        'kcat',
        ['-C', '-b', server.bootstrap, '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k\t%s\t%h\n'],
        { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 << 20 },
        (error, out, err) =>
          error ? reject(new Error(`kcat (Debian package kcat) failed: ${error.message} ${err}`)) : resolve(out),
      ),
    );
    const lines = stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 1000);
    for (const line of lines) {
      const [key, value, headers] = line.split('\t');
      assert.equal(value, expected.get(key));
      assert.match(headers, /^round=\d$/);
    }
  });
});
