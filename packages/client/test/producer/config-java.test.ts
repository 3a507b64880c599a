// Our producer's verdict on conflicting or out-of-range settings against the
// Java client's (kafka-clients 4.0 KafkaProducer constructed with the same
// settings): accepted or ConfigException, and whether it runs idempotent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Producer } from '../../src/index.js';
import { javaPeer, javaUnavailable } from '../integration/other-clients.js';

const bootstrapServers = '127.0.0.1:9';

/** Ours camelCased -> Java's names. */
const JAVA_NAMES: Record<string, string> = {
  acks: 'acks',
  enableIdempotence: 'enable.idempotence',
  retries: 'retries',
  maxInFlightRequestsPerConnection: 'max.in.flight.requests.per.connection',
  deliveryTimeoutMs: 'delivery.timeout.ms',
  requestTimeoutMs: 'request.timeout.ms',
  lingerMs: 'linger.ms',
  batchSize: 'batch.size',
};

const CASES: Record<string, number | string | boolean>[] = [
  {},
  { acks: 1 },
  { acks: 0 },
  { acks: 1, enableIdempotence: true },
  { acks: 0, enableIdempotence: false },
  { retries: 0 },
  { retries: 0, enableIdempotence: true },
  { retries: -1 },
  { maxInFlightRequestsPerConnection: 5 },
  { maxInFlightRequestsPerConnection: 6 },
  { maxInFlightRequestsPerConnection: 6, acks: 1 },
  { maxInFlightRequestsPerConnection: 6, enableIdempotence: false },
  { maxInFlightRequestsPerConnection: 0 },
  { deliveryTimeoutMs: 1000 },
  { deliveryTimeoutMs: 30_005, lingerMs: 5 },
  { requestTimeoutMs: 200_000 },
  { lingerMs: -1 },
  { batchSize: 0 },
  { enableIdempotence: false },
];

describe('producer settings: the same verdict as the Java client', { skip: javaUnavailable() }, () => {
  it('accepts or rejects each combination as KafkaProducer does, idempotent or not alike', async () => {
    const javaCases = CASES.map((c) =>
      Object.entries(c)
        .map(([k, v]) => `${JAVA_NAMES[k]}=${v === 'all' ? 'all' : String(v)}`)
        .join(';'),
    );
    const { verdicts } = await javaPeer<{ verdicts: { ok: boolean; idempotence?: boolean; message?: string }[] }>([
      'config',
      ...javaCases,
    ]);
    CASES.forEach((c, i) => {
      const java = verdicts[i]!;
      let ours: { ok: boolean; idempotence?: boolean; message?: string };
      try {
        const p = new Producer({ bootstrapServers, ...c } as never);
        ours = { ok: true, idempotence: p.config.enableIdempotence };
        void p.close();
      } catch (err) {
        assert.equal((err as Error).name, 'CONFIG_EXCEPTION');
        ours = { ok: false };
      }
      assert.equal(ours.ok, java.ok, `${JSON.stringify(c)}: Java ${java.ok ? 'accepts' : `rejects (${java.message})`}`);
      if (java.ok) assert.equal(ours.idempotence, java.idempotence, `${JSON.stringify(c)}: idempotence`);
    });
  });
});
