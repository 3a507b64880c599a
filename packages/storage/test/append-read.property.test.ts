import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import fc from 'fast-check';
import { ErrorCode } from '@fluxo/protocol';
import { decodeRecords, simpleBatch } from './batch-builder.js';
import { openLog, T0, tempDir } from './helpers.js';

type Op =
  | { kind: 'append'; count: number; valueBytes: number }
  | { kind: 'read'; at: number; maxBytes: number }
  | { kind: 'deleteBefore'; at: number }
  | { kind: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 5 }),
      valueBytes: fc.integer({ min: 0, max: 300 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      at: fc.nat(),
      maxBytes: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteBefore' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

describe('append/read against an in-memory model', () => {
  it('every read returns the model records from the requested offset, within limits', () => {
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 200, max: 2000 }),
        (ops, segmentBytes) => {
          const t = tempDir();
          const clock = new ManualClock(T0);
          const settings = { segmentBytes, indexIntervalBytes: 128 };
          let log = openLog(t.dir, settings, clock);
          const model: { offset: bigint; value: Buffer }[] = [];
          let start = 0n;
          let n = 0;
          try {
            for (const o of ops) {
              if (o.kind === 'append') {
                const batch = simpleBatch(o.count, T0, o.valueBytes, 0x30 + (n++ % 40));
                const r = log.append(batch, T0);
                assert.equal(r.errorCode, 0);
                assert.equal(r.baseOffset, BigInt(model.length));
                for (let i = 0; i < o.count; i++)
                  model.push({
                    offset: BigInt(model.length),
                    value: Buffer.alloc(o.valueBytes, 0x30 + ((n - 1) % 40)),
                  });
              } else if (o.kind === 'read') {
                const offset = BigInt(o.at % (model.length + 2));
                const r = log.read(offset, o.maxBytes, true);
                if (offset < start || offset > BigInt(model.length)) {
                  assert.equal(r.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
                  continue;
                }
                assert.equal(r.errorCode, 0);
                const got = decodeRecords(r.records).filter((x) => x.offset >= offset);
                if (offset < BigInt(model.length)) assert.ok(got.length > 0, 'first batch always returned');
                got.forEach((rec, i) => {
                  const expected = model[Number(offset) + i];
                  assert.equal(rec.offset, expected.offset);
                  assert.deepEqual(rec.value, expected.value);
                });
                if (r.records.length > o.maxBytes) assert.equal(decodeRecords(r.records).length > 0, true);
              } else if (o.kind === 'deleteBefore') {
                const target = BigInt(o.at % (model.length + 1));
                const r = log.deleteRecordsBefore(target);
                if (target > start) start = target;
                assert.equal(r.lowWatermark, start);
              } else {
                log.close();
                log = openLog(t.dir, settings, clock, start);
                assert.equal(log.logEndOffset, BigInt(model.length));
                assert.equal(log.logStartOffset, start);
              }
              assert.equal(log.logEndOffset, BigInt(model.length));
            }
          } finally {
            log.close();
            t.cleanup();
          }
        },
      ),
      { numRuns: 60, seed: 42 },
    );
  });
});
