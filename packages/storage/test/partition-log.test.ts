import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BATCH_OFFSET, crc32c, readBatchHeader } from '@fluxo/protocol';
import { ErrorCode } from '@fluxo/protocol';
import { buildBatch, decodeRecords, simpleBatch } from './batch-builder.js';
import { openLog, T0, tempDir } from './helpers.js';

describe('PartitionLog append and read', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  it('assigns consecutive offsets, patches base offset and epoch, and reads back the same bytes', () => {
    const log = openLog(t.dir);
    const a = simpleBatch(3, T0);
    const b = simpleBatch(2, T0);
    const r1 = log.append(a, T0);
    const r2 = log.append(b, T0);
    assert.equal(r1.errorCode, 0);
    assert.equal(r1.baseOffset, 0n);
    assert.equal(r1.lastOffset, 2n);
    assert.equal(r2.baseOffset, 3n);
    assert.equal(r1.logAppendTimeMs, -1n);
    assert.equal(log.logEndOffset, 5n);
    assert.equal(log.highWatermark, 5n);
    const read = log.read(0n, 1 << 20, true);
    assert.equal(read.errorCode, 0);
    assert.equal(read.records.length, a.length + b.length);
    const h2 = readBatchHeader(read.records, a.length);
    assert.equal(h2.baseOffset, 3n);
    assert.equal(h2.partitionLeaderEpoch, 0);
    // The CRC did not need to change: base offset and epoch are outside it.
    assert.equal(crc32c(read.records.subarray(a.length + BATCH_OFFSET.attributes)), h2.crc);
    assert.deepEqual(
      decodeRecords(read.records).map((r) => r.offset),
      [0n, 1n, 2n, 3n, 4n],
    );
    log.close();
  });

  it('reads from any offset: the batch containing it comes first', () => {
    const log = openLog(t.dir, { indexIntervalBytes: 100 });
    for (let i = 0; i < 50; i++) log.append(simpleBatch(4, T0, 40), T0);
    for (let offset = 0n; offset < 200n; offset += 7n) {
      const read = log.read(offset, 1000, true);
      const first = readBatchHeader(read.records);
      assert.ok(first.baseOffset <= offset && offset <= first.baseOffset + BigInt(first.lastOffsetDelta));
    }
    assert.equal(log.read(200n, 1000, true).records.length, 0);
    log.close();
  });

  it('answers OFFSET_OUT_OF_RANGE outside [logStartOffset, HW]', () => {
    const log = openLog(t.dir);
    log.append(simpleBatch(2, T0), T0);
    assert.equal(log.read(3n, 100, true).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal(log.read(-1n, 100, true).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    assert.equal(log.read(2n, 100, true).errorCode, ErrorCode.NONE);
    log.close();
  });

  it('returns whole batches only, and the first batch even when larger than maxBytes (KIP-74)', () => {
    const log = openLog(t.dir);
    const big = simpleBatch(10, T0, 100);
    log.append(big, T0);
    log.append(simpleBatch(1, T0), T0);
    assert.equal(log.read(0n, 50, false).records.length, 0);
    assert.equal(log.read(0n, 50, true).records.length, big.length);
    assert.equal(log.read(0n, big.length + 10, true).records.length, big.length);
    log.close();
  });

  it('rejects a corrupt CRC with CORRUPT_MESSAGE and writes nothing', () => {
    const log = openLog(t.dir);
    const good = simpleBatch(1, T0);
    const bad = simpleBatch(1, T0);
    bad[bad.length - 1] ^= 0xff;
    const result = log.append(Buffer.concat([good, bad]), T0);
    assert.equal(result.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(log.logEndOffset, 0n);
    assert.equal(log.sizeBytes, 0);
    log.close();
  });

  it('rejects truncated input, wrong magic and an empty record set', () => {
    const log = openLog(t.dir);
    const batch = simpleBatch(2, T0);
    assert.equal(log.append(batch.subarray(0, batch.length - 1), T0).errorCode, ErrorCode.CORRUPT_MESSAGE);
    const magic1 = Buffer.from(batch);
    magic1[16] = 1;
    assert.equal(log.append(magic1, T0).errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    assert.equal(log.append(Buffer.alloc(0), T0).errorCode, ErrorCode.INVALID_RECORD);
    assert.equal(log.logEndOffset, 0n);
    log.close();
  });

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE', () => {
    const log = openLog(t.dir, { maxMessageBytes: 500 });
    assert.equal(log.append(simpleBatch(1, T0, 600), T0).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal(log.append(simpleBatch(1, T0, 100), T0).errorCode, ErrorCode.NONE);
    log.close();
  });

  it('rejects CreateTime timestamps beyond message.timestamp.after/before.max.ms', () => {
    const log = openLog(t.dir, { messageTimestampAfterMaxMs: 1000, messageTimestampBeforeMaxMs: 5000 });
    assert.equal(log.append(simpleBatch(1, T0 + 2000), T0).errorCode, ErrorCode.INVALID_TIMESTAMP);
    assert.equal(log.append(simpleBatch(1, T0 - 6000), T0).errorCode, ErrorCode.INVALID_TIMESTAMP);
    assert.equal(log.append(simpleBatch(1, T0 + 500), T0).errorCode, ErrorCode.NONE);
    log.close();
  });

  it('LogAppendTime: sets the attribute bit and maxTimestamp, recomputes a valid CRC', () => {
    const log = openLog(t.dir, { messageTimestampType: 'LogAppendTime' });
    const now = T0 + 12345;
    const result = log.append(buildBatch([{ value: Buffer.from('x'), timestamp: 5 }]), now);
    assert.equal(result.logAppendTimeMs, BigInt(now));
    const stored = log.read(0n, 1000, true).records;
    const header = readBatchHeader(stored);
    assert.equal(header.attributes & 0x08, 0x08);
    assert.equal(header.maxTimestamp, BigInt(now));
    assert.equal(crc32c(stored.subarray(BATCH_OFFSET.attributes)), header.crc);
    assert.equal(decodeRecords(stored)[0].timestamp, now);
    log.close();
  });

  it('rolls segments by segment.bytes and by segment.ms, with Kafka file names', () => {
    const log = openLog(t.dir, { segmentBytes: 1000, segmentMs: 60_000 });
    const batch = simpleBatch(1, T0, 300);
    for (let i = 0; i < 6; i++) log.append(Buffer.from(batch), T0);
    assert.ok(log.segmentCount >= 3, `segments: ${log.segmentCount}`);
    const before = log.segmentCount;
    log.append(simpleBatch(1, T0 + 61_000), T0 + 61_000);
    assert.equal(log.segmentCount, before + 1);
    const files = readdirSync(join(t.dir, 'topic-0')).sort();
    assert.ok(files.includes('00000000000000000000.log'));
    assert.ok(files.includes('00000000000000000000.index'));
    assert.ok(files.includes('00000000000000000000.timeindex'));
    assert.ok(files.includes('partition.metadata'));
    assert.match(
      readFileSync(join(t.dir, 'topic-0', 'partition.metadata'), 'utf8'),
      /topic_id: AAAAAAAAAAAAAAAAAAAAAQ/,
    );
    const bases = log.segmentBaseOffsets();
    for (const base of bases) assert.ok(files.includes(`${base.toString().padStart(20, '0')}.log`));
    // Every offset stays readable across the segment boundaries.
    for (let offset = 0n; offset < log.logEndOffset; offset++)
      assert.equal(readBatchHeader(log.read(offset, 10_000, true).records).baseOffset, offset);
    log.close();
  });

  it('writes a sparse offset index every index.interval.bytes and a time index beside it', () => {
    const log = openLog(t.dir, { indexIntervalBytes: 1000 });
    for (let i = 0; i < 40; i++) log.append(simpleBatch(1, T0 + i, 200), T0);
    log.flush();
    const index = readFileSync(join(t.dir, 'topic-0', '00000000000000000000.index'));
    const timeIndex = readFileSync(join(t.dir, 'topic-0', '00000000000000000000.timeindex'));
    assert.ok(index.length >= 8 * 5 && index.length % 8 === 0, `index bytes ${index.length}`);
    assert.equal(timeIndex.length % 12, 0);
    assert.ok(timeIndex.length > 0);
    // Each entry points at the start of the batch holding its offset.
    const segment = readFileSync(join(t.dir, 'topic-0', '00000000000000000000.log'));
    for (let at = 0; at < index.length; at += 8) {
      const relative = index.readInt32BE(at);
      const position = index.readInt32BE(at + 4);
      assert.equal(segment.readBigInt64BE(position), BigInt(relative));
    }
    for (let at = 0; at < timeIndex.length; at += 12) {
      const ts = Number(timeIndex.readBigInt64BE(at));
      const relative = timeIndex.readInt32BE(at + 8);
      assert.equal(ts, T0 + relative);
    }
    assert.ok(statSync(join(t.dir, 'topic-0', '00000000000000000000.log')).size === log.sizeBytes);
    log.close();
  });

  it('notifies append listeners with the bytes appended until removed', () => {
    const log = openLog(t.dir);
    const seen: number[] = [];
    const off = log.onAppend((n) => seen.push(n));
    const batch = simpleBatch(1, T0);
    log.append(Buffer.from(batch), T0);
    off();
    log.append(Buffer.from(batch), T0);
    assert.deepEqual(seen, [batch.length]);
    log.close();
  });
});
