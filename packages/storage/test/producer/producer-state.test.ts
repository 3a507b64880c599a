import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '@fluxo/protocol';
import { type ProducerBatch, ProducerStateManager } from '../../src/index.js';

const INT32_MAX = 2_147_483_647;
const PID = 1000n;

function batch(
  baseSequence: number,
  records = 1,
  producerEpoch = 0,
  producerId = PID,
  maxTimestamp = 5,
): ProducerBatch {
  return { producerId, producerEpoch, baseSequence, lastOffsetDelta: records - 1, maxTimestamp };
}

/** Appends like the log does: check, then record at the next offset. Returns the offset or the verdict. */
class Model {
  readonly state = new ProducerStateManager('t-0');
  next = 0n;
  append(b: ProducerBatch) {
    const verdict = this.state.checkClientAppend([b]);
    if (verdict.kind !== 'append') return verdict;
    const offset = this.next;
    this.state.recordAppend(b, offset);
    this.next += BigInt(b.lastOffsetDelta + 1);
    return { kind: 'appended' as const, offset };
  }
}

describe('ProducerStateManager (Kafka ProducerAppendInfo rules)', () => {
  it('answers a retry of each of the last five batches with its original offsets', () => {
    const m = new Model();
    const offsets: bigint[] = [];
    for (let i = 0; i < 7; i++) {
      const r = m.append(batch(i * 3, 3));
      assert.equal(r.kind, 'appended');
      offsets.push((r as { offset: bigint }).offset);
    }
    for (let i = 2; i < 7; i++) {
      const v = m.state.checkClientAppend([batch(i * 3, 3)]);
      assert.equal(v.kind, 'duplicate', `batch ${i}`);
      if (v.kind === 'duplicate') {
        assert.equal(v.batch.firstOffset, offsets[i]);
        assert.equal(v.batch.lastOffset, offsets[i] + 2n);
      }
    }
  });

  it('answers OUT_OF_ORDER_SEQUENCE_NUMBER to a retry older than the cached five (as Kafka 3.x/4.0)', () => {
    const m = new Model();
    for (let i = 0; i < 6; i++) m.append(batch(i));
    const v = m.state.checkClientAppend([batch(0)]);
    assert.equal(v.kind, 'rejected');
    if (v.kind === 'rejected') assert.equal(v.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  });

  it('a batch matching only the first sequence of a cached one is not a duplicate', () => {
    const m = new Model();
    m.append(batch(0, 2));
    m.append(batch(2, 2));
    const v = m.state.checkClientAppend([batch(2, 3)]);
    assert.equal(v.kind, 'rejected');
  });

  it('rejects a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and accepts last + 1', () => {
    const m = new Model();
    m.append(batch(0, 5));
    const gap = m.state.checkClientAppend([batch(6)]);
    assert.equal(gap.kind === 'rejected' && gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.deepEqual(m.state.checkClientAppend([batch(5)]), { kind: 'append' });
  });

  it('rejects an older epoch with INVALID_PRODUCER_EPOCH, even for a cached sequence', () => {
    const m = new Model();
    m.append(batch(0, 1, 3));
    m.append(batch(0, 1, 4));
    const v = m.state.checkClientAppend([batch(1, 1, 3)]);
    assert.equal(v.kind === 'rejected' && v.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    const cachedOldEpoch = m.state.checkClientAppend([batch(0, 1, 3)]);
    assert.equal(cachedOldEpoch.kind === 'rejected' && cachedOldEpoch.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('a new epoch must start at sequence 0 and forgets the old epoch’s batches', () => {
    const m = new Model();
    m.append(batch(0, 10, 0));
    const bad = m.state.checkClientAppend([batch(10, 1, 1)]);
    assert.equal(bad.kind === 'rejected' && bad.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(m.append(batch(0, 1, 1)).kind, 'appended');
    assert.equal(m.state.get(PID)?.producerEpoch, 1);
    assert.equal(m.state.get(PID)?.batches.length, 1);
    assert.equal(m.append(batch(1, 1, 1)).kind, 'appended');
  });

  it('accepts a producer it has no state for at any sequence (Kafka 2.5+, KIP-360: no UNKNOWN_PRODUCER_ID)', () => {
    const m = new Model();
    assert.equal(m.append(batch(42, 2, 7, 5n)).kind, 'appended');
    assert.equal(m.append(batch(44, 1, 7, 5n)).kind, 'appended');
    const gap = m.state.checkClientAppend([batch(50, 1, 7, 5n)]);
    assert.equal(gap.kind, 'rejected');
  });

  it('wraps sequences at Int32 max: a batch may straddle the wrap and the next starts after it', () => {
    const m = new Model();
    assert.equal(m.append(batch(INT32_MAX - 1, 1)).kind, 'appended');
    assert.equal(m.append(batch(INT32_MAX, 3)).kind, 'appended'); // INT32_MAX, 0, 1
    assert.equal(m.state.get(PID)?.batches.at(-1)?.lastSeq, 1);
    assert.equal(m.state.checkClientAppend([batch(INT32_MAX, 3)]).kind, 'duplicate');
    assert.equal(m.append(batch(2, 1)).kind, 'appended');
    const m2 = new Model();
    m2.append(batch(INT32_MAX, 1));
    assert.deepEqual(m2.state.checkClientAppend([batch(0)]), { kind: 'append' });
    assert.equal(m2.state.checkClientAppend([batch(1)]).kind, 'rejected');
  });

  it('rejects a producer batch without a sequence as INVALID_RECORD', () => {
    const v = new ProducerStateManager('t-0').checkClientAppend([batch(-1)]);
    assert.equal(v.kind === 'rejected' && v.errorCode, ErrorCode.INVALID_RECORD);
  });

  it('checks the batches of one append in order against each other', () => {
    const s = new ProducerStateManager('t-0');
    s.recordAppend(batch(0, 2), 0n);
    assert.deepEqual(s.checkClientAppend([batch(2, 2), batch(4, 1)]), { kind: 'append' });
    assert.equal(s.checkClientAppend([batch(2, 2), batch(5, 1)]).kind, 'rejected');
  });

  it('expires producers whose last timestamp is producer.id.expiration.ms old; afterwards any sequence is accepted', () => {
    const m = new Model();
    m.append(batch(0, 1, 0, 1n, 1_000));
    m.append(batch(0, 1, 0, 2n, 5_000));
    assert.equal(m.state.removeExpired(10_999, 10_000), 0);
    assert.equal(m.state.removeExpired(11_000, 10_000), 1);
    assert.equal(m.state.get(1n), undefined);
    assert.notEqual(m.state.get(2n), undefined);
    // Producer 1 comes back mid-stream: accepted as Kafka 3.x/4.0 does, no longer deduplicated against its past.
    assert.equal(m.append(batch(7, 1, 0, 1n, 12_000)).kind, 'appended');
    assert.equal(m.state.checkClientAppend([batch(0, 1, 0, 1n)]).kind, 'rejected');
  });

  it('ignores batches without a producer id', () => {
    const s = new ProducerStateManager('t-0');
    assert.deepEqual(s.checkClientAppend([batch(-1, 1, -1, -1n)]), { kind: 'append' });
    s.recordAppend(batch(-1, 1, -1, -1n), 0n);
    assert.equal(s.size, 0);
  });
});
