import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '@fluxo/protocol';
import { RawClient } from '../helpers/raw-client.js';
import { type ChildBroker, HOST, removeDir, spawnBroker, tempDir } from '../integration/harness.js';
import { createTopic, idempotentBatch, initProducerId, produce } from './idempotent-raw-producer.js';

const TOPIC = 'dedup';
const dataDir = tempDir();
after(() => removeDir(dataDir));

/** Batch i of the test producer: two records, sequences 2i and 2i + 1. */
const batchOf = (pid: bigint, i: number) => idempotentBatch(pid, 0, 2 * i, [`r${2 * i}`, `r${2 * i + 1}`]);

async function open(): Promise<{ broker: ChildBroker; c: RawClient }> {
  const broker = await spawnBroker(dataDir);
  return { broker, c: await RawClient.open(HOST, broker.port) };
}

async function stop(broker: ChildBroker, c: RawClient, signal: NodeJS.Signals): Promise<void> {
  c.close();
  broker.child.kill(signal);
  await broker.exited;
}

describe('idempotent producer state across broker restarts (child process)', () => {
  it('answers retries sent after a graceful restart and after kill -9 with the original offsets', async () => {
    let { broker, c } = await open();
    await createTopic(c, TOPIC, 1);
    const { producerId, errorCode } = await initProducerId(c);
    assert.equal(errorCode, ErrorCode.NONE);
    const offsets: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await produce(c, TOPIC, 0, batchOf(producerId, i));
      assert.equal(r.errorCode, ErrorCode.NONE);
      offsets.push(r.baseOffset);
    }

    await stop(broker, c, 'SIGTERM');
    const partitionDir = join(dataDir, `${TOPIC}-0`);
    assert.ok(readdirSync(partitionDir).includes('00000000000000000012.snapshot'), 'clean shutdown snapshot');
    ({ broker, c } = await open());
    for (let i = 1; i < 6; i++) {
      const retry = await produce(c, TOPIC, 0, batchOf(producerId, i));
      assert.equal(retry.errorCode, ErrorCode.NONE);
      assert.equal(retry.baseOffset, offsets[i], `retry of batch ${i} after a graceful restart`);
    }
    assert.equal(
      (await produce(c, TOPIC, 0, batchOf(producerId, 0))).errorCode,
      ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
    );
    for (let i = 6; i < 9; i++) offsets.push((await produce(c, TOPIC, 0, batchOf(producerId, i))).baseOffset);
    assert.deepEqual(offsets.slice(6), [12n, 14n, 16n]);
    const second = await initProducerId(c);
    assert.ok(second.producerId > producerId, 'producer ids never repeat across restarts');

    // kill -9: no snapshot at the log end; the state comes from the snapshot at 12 plus the batch headers after it.
    await stop(broker, c, 'SIGKILL');
    assert.ok(!readdirSync(partitionDir).includes('00000000000000000018.snapshot'));
    ({ broker, c } = await open());
    for (let i = 4; i < 9; i++) {
      const retry = await produce(c, TOPIC, 0, batchOf(producerId, i));
      assert.equal(retry.baseOffset, offsets[i], `retry of batch ${i} after kill -9`);
    }
    const next = await produce(c, TOPIC, 0, batchOf(producerId, 9));
    assert.equal(next.baseOffset, 18n, 'nothing was written twice');
    const third = await initProducerId(c);
    assert.ok(third.producerId > second.producerId, 'the block reserved before the kill is not reused');
    await stop(broker, c, 'SIGTERM');
  });
});
