import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import { CompressionType } from '@fluxo/protocol';
import fc from 'fast-check';
import { openLog, T0, tempDir } from '../helpers.js';
import { appendKv, cleanerFor, readAll } from './compaction-helpers.js';

type Op =
  | { kind: 'append'; records: { key: number; tombstone: boolean }[]; compressed: boolean }
  | { kind: 'roll' }
  | { kind: 'clean'; advanceMs: number }
  | { kind: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      records: fc.array(fc.record({ key: fc.nat({ max: 7 }), tombstone: fc.boolean() }), {
        minLength: 1,
        maxLength: 4,
      }),
      compressed: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('roll' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('clean' as const), advanceMs: fc.integer({ min: 0, max: 2000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

describe('compaction against a naive model', () => {
  it('reading the whole log gives every key its latest value, and the active segment whole', () => {
    const stats = { passes: 0, dropped: 0 };
    fc.assert(
      fc.property(
        fc.array(op, { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 150, max: 1500 }),
        fc.integer({ min: 5, max: 100_000 }), // ≥ 4 keys (the largest batch) after the 0.9 load factor
        fc.integer({ min: 100, max: 3000 }),
        (ops, segmentBytes, dedupeEntries, deleteRetentionMs) => {
          const t = tempDir();
          const clock = new ManualClock(T0);
          const settings = {
            cleanupPolicy: ['compact'],
            minCleanableDirtyRatio: 0.01,
            segmentBytes,
            deleteRetentionMs,
            indexIntervalBytes: 64,
          };
          let log = openLog(t.dir, settings, clock);
          // Every record ever appended, by offset; and per key its last one.
          const appended = new Map<bigint, { key: string; value: string | null }>();
          const latest = new Map<string, { offset: bigint; value: string | null }>();
          let n = 0;
          try {
            const check = () => {
              const read = readAll(log);
              const activeBase = log.segmentList.at(-1)!.baseOffset;
              for (let i = 0; i < read.length; i++) {
                const r = read[i];
                if (i > 0) assert.ok(r.offset > read[i - 1].offset, 'offsets increase');
                assert.deepEqual(
                  { key: r.key, value: r.value },
                  appended.get(r.offset),
                  `record ${r.offset} as written`,
                );
              }
              const seen = new Map(read.map((r) => [r.key!, r]));
              for (const [key, last] of latest) {
                const got = seen.get(key);
                if (last.value === null) {
                  // A deleted key: its tombstone, or nothing once the tombstone went; never an older value.
                  assert.ok(got === undefined || got.value === null, `key ${key} stays deleted`);
                } else assert.equal(got?.offset, last.offset, `key ${key}: latest value`);
              }
              const activeRead = read.filter((r) => r.offset >= activeBase).map((r) => r.offset);
              const activeWritten = [...appended.keys()].filter((o) => o >= activeBase && o < log.logEndOffset);
              assert.deepEqual(activeRead, activeWritten, 'the active segment is read whole');
            };
            for (const o of ops) {
              if (o.kind === 'append') {
                const records = o.records.map((r) => ({
                  key: `key-${r.key}`,
                  value: r.tombstone ? null : `value-${n++}`,
                }));
                const result = appendKv(log, records, clock.nowMs(), {
                  compression: o.compressed ? CompressionType.lz4 : CompressionType.none,
                });
                records.forEach((r, i) => {
                  const offset = result.baseOffset + BigInt(i);
                  appended.set(offset, r);
                  latest.set(r.key, { offset, value: r.value });
                });
              } else if (o.kind === 'roll') log.roll();
              else if (o.kind === 'clean') {
                clock.advance(o.advanceMs);
                const warnings: string[] = [];
                const passes = cleanerFor([log], clock, { dedupeBufferSize: 25 * dedupeEntries }, warnings).cleanNow();
                assert.deepEqual(warnings, []);
                stats.passes += passes.length;
                for (const p of passes) stats.dropped += p.recordsRead - p.recordsKept;
                check();
              } else {
                log.close();
                log = openLog(t.dir, settings, clock);
                check();
              }
            }
            check();
          } finally {
            log.close();
            t.cleanup();
          }
        },
      ),
      { numRuns: 60 },
    );
    // The runs did clean: passes ran and removed records.
    assert.ok(stats.passes >= 10 && stats.dropped >= 10, JSON.stringify(stats));
  });
});
