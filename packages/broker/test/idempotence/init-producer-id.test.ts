import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ErrorCode, InitProducerIdRequest, type InitProducerIdResponse } from '@fluxo/protocol';
import { initProducerIdHandler } from '../../src/handlers/22-init-producer-id.js';
import { producerIdBlockPath } from '../../src/producer-ids/producer-id-block-file.js';
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdManager } from '../../src/producer-ids/producer-id-manager.js';
import { call, type Harness, makeHarness, versions } from '../data-path/harness.js';

type Response = InitProducerIdResponse.InitProducerIdResponseData;

describe('ProducerIdManager', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fluxo-pid-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('persists the end of a block before handing out its first id', () => {
    const ids = ProducerIdManager.open(dir);
    assert.equal(ids.generateProducerId(), 0n);
    assert.match(readFileSync(producerIdBlockPath(dir), 'utf8'), /next\.block\.start=1000\n/);
    for (let i = 1n; i < PRODUCER_ID_BLOCK_SIZE; i++) assert.equal(ids.generateProducerId(), i);
    assert.match(readFileSync(producerIdBlockPath(dir), 'utf8'), /next\.block\.start=1000\n/);
    assert.equal(ids.generateProducerId(), 1000n);
    assert.match(readFileSync(producerIdBlockPath(dir), 'utf8'), /next\.block\.start=2000\n/);
  });

  it('never repeats an id across reopenings (the rest of a block is skipped, as after kill -9)', () => {
    const seen = new Set<bigint>();
    for (let restart = 0; restart < 5; restart++) {
      const ids = ProducerIdManager.open(dir);
      for (let i = 0; i < 3; i++) {
        const id = ids.generateProducerId();
        assert.ok(!seen.has(id), `id ${id} repeated`);
        seen.add(id);
      }
    }
    assert.equal(ProducerIdManager.open(dir).generateProducerId(), 5n * PRODUCER_ID_BLOCK_SIZE);
  });

  it('refuses to start from a corrupt block file rather than risk a repeat', () => {
    writeFileSync(producerIdBlockPath(dir), 'version=0\nnext.block.start=12x\n');
    assert.throws(() => ProducerIdManager.open(dir), /corrupt/);
  });
});

describe('InitProducerId handler', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await makeHarness();
  });
  afterEach(() => h.close());

  it('gives every idempotent producer a fresh id at epoch 0, at every version', async () => {
    assert.deepEqual(versions(initProducerIdHandler), [0, 1, 2, 3, 4, 5]);
    const ids = new Set<bigint>();
    for (const v of versions(initProducerIdHandler)) {
      const r = (await call<Response>(
        initProducerIdHandler,
        v,
        InitProducerIdRequest.create({ transactionalId: null, transactionTimeoutMs: 60_000 }),
        h.broker,
      )) as Response;
      assert.equal(r.errorCode, ErrorCode.NONE);
      assert.equal(r.producerEpoch, 0);
      assert.ok(r.producerId >= 0n && !ids.has(r.producerId));
      ids.add(r.producerId);
    }
    // KIP-360: a producer re-initialising with its old id and epoch still gets a new id (no transactional id).
    const again = (await call<Response>(
      initProducerIdHandler,
      4,
      InitProducerIdRequest.create({ transactionalId: null, producerId: 0n, producerEpoch: 3 }),
      h.broker,
    )) as Response;
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.ok(!ids.has(again.producerId));
  });

  it('answers a transactional id with UNSUPPORTED_VERSION and a half-given producer id with INVALID_REQUEST', async () => {
    const txn = (await call<Response>(
      initProducerIdHandler,
      4,
      InitProducerIdRequest.create({ transactionalId: 'tx-1', transactionTimeoutMs: 60_000 }),
      h.broker,
    )) as Response;
    assert.equal(txn.errorCode, ErrorCode.UNSUPPORTED_VERSION);
    assert.equal(txn.producerId, -1n);
    const half = (await call<Response>(
      initProducerIdHandler,
      3,
      InitProducerIdRequest.create({ transactionalId: null, producerId: 5n, producerEpoch: -1 }),
      h.broker,
    )) as Response;
    assert.equal(half.errorCode, ErrorCode.INVALID_REQUEST);
  });
});
