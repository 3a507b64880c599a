// Proves that produce's --compression, --acks and --[no-]idempotence reach the producer, from
// what they leave behind: the batches in the broker's segment files (codec bits, producer id)
// and the offsets acks=0 cannot know.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compressionOf, CompressionType, readBatchHeader, splitBatches } from '@fluxo/protocol';
import { type Broker, fluxo, json, startBroker } from './harness.js';

let broker: Broker;
before(async () => {
  broker = await startBroker();
});
after(() => broker.stop());

interface BatchSeen {
  codec: number;
  producerId: bigint;
  records: number;
}

/** The batches of a one-partition topic, read from its segment files (written at once, no cache). */
function batchesOf(topic: string): BatchSeen[] {
  const dir = join(broker.dataDir, `${topic}-0`);
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return segments.flatMap((file) =>
    splitBatches(readFileSync(join(dir, file))).batches.map((b) => {
      const h = readBatchHeader(b.bytes);
      return { codec: compressionOf(h.attributes), producerId: h.producerId, records: h.recordCount };
    }),
  );
}

const LINES = `${Array.from({ length: 20 }, (_, i) => `record-${i}`).join('\n')}\n`;

describe('fluxo produce flags reach the producer', { concurrency: true }, () => {
  // [name, flags, codec expected, idempotent expected]. The client turns idempotence on by
  // default only with acks=all, so the producer id also shows which acks it got.
  const cases: [string, string[], number, boolean][] = [
    ['zstd, acks all by default: idempotent', ['--compression', 'zstd'], CompressionType.zstd, true],
    ['lz4 with acks 1: not idempotent', ['--compression', 'lz4', '--acks', '1'], CompressionType.lz4, false],
    [
      'gzip, acks all, --no-idempotence',
      ['--compression', 'gzip', '--acks', 'all', '--no-idempotence'],
      CompressionType.gzip,
      false,
    ],
    ['snappy with --idempotence', ['--compression', 'snappy', '--idempotence'], CompressionType.snappy, true],
    ['no compression by default', [], CompressionType.none, true],
  ];
  for (const [name, flags, codec, idempotent] of cases) {
    it(name, async () => {
      const topic = `flags-${name.replace(/[^a-z0-9]+/g, '-')}`;
      assert.equal((await fluxo(['topics', 'create', topic, '--partitions', '1', ...broker.flag])).code, 0);
      const r = await fluxo(['produce', topic, ...flags, ...broker.flag], { input: LINES });
      assert.equal(r.code, 0, r.stderr);
      const batches = batchesOf(topic);
      assert.equal(
        batches.reduce((n, b) => n + b.records, 0),
        20,
        'every record on disk',
      );
      for (const b of batches) {
        assert.equal(b.codec, codec, `codec of a batch of ${b.records} records`);
        assert.equal(b.producerId >= 0n, idempotent, `producer id ${b.producerId}`);
      }
    });
  }

  it('acks 0: nothing is acknowledged, so no offset is known (-1), and the records are written', async () => {
    assert.equal((await fluxo(['topics', 'create', 'flags-acks0', '--partitions', '1', ...broker.flag])).code, 0);
    const r = await fluxo(['produce', 'flags-acks0', '--acks', '0', '--json', ...broker.flag], { input: LINES });
    assert.equal(r.code, 0, r.stderr);
    const summary = json<{ records: number; partitions: { firstOffset: number; lastOffset: number }[] }>(r);
    assert.equal(summary.records, 20);
    assert.deepEqual(
      summary.partitions.map((p) => [p.firstOffset, p.lastOffset]),
      [[-1, -1]],
    );
    // acks=0 has no answer to wait for: the records may land just after the producer closed.
    let onDisk = 0;
    for (let i = 0; i < 50 && onDisk < 20; i++) {
      onDisk = batchesOf('flags-acks0').reduce((n, b) => n + b.records, 0);
      if (onDisk < 20) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(onDisk, 20);
    assert.ok(batchesOf('flags-acks0').every((b) => b.producerId === -1n));
  });

  it('acks 1 and all are acknowledged with real offsets', async () => {
    assert.equal((await fluxo(['topics', 'create', 'flags-acked', '--partitions', '1', ...broker.flag])).code, 0);
    for (const acks of ['1', 'all']) {
      const r = await fluxo(['produce', 'flags-acked', '--acks', acks, '--json', ...broker.flag], { input: LINES });
      assert.equal(r.code, 0, r.stderr);
      const [p] = json<{ partitions: { firstOffset: number; lastOffset: number }[] }>(r).partitions;
      assert.equal(p!.lastOffset - p!.firstOffset, 19, `acks ${acks}`);
      assert.ok(p!.firstOffset >= 0);
    }
  });
});
