import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '@fluxo/core';
import {
  DEFAULT_LOG_CONFIG,
  LOG_START_OFFSET_CHECKPOINT,
  LogManager,
  RECOVERY_POINT_CHECKPOINT,
  readCheckpoint,
} from '../src/index.js';
import { decodeRecords, simpleBatch } from './batch-builder.js';
import { config, T0, tempDir } from './helpers.js';

describe('LogManager checkpoints and crash recovery', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const open = () => LogManager.open({ logDirs: [t.dir], clock: new ManualClock(T0), defaults: DEFAULT_LOG_CONFIG });
  const segment = (base = 0n) => join(t.dir, 'events-0', `${base.toString().padStart(20, '0')}.log`);

  it('close writes Kafka-format checkpoints; reopen finds every partition and offset', async () => {
    const logs = await open();
    const a = logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    const b = logs.getOrCreate('events', 1, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    a.append(simpleBatch(5, T0), T0);
    b.append(simpleBatch(2, T0), T0);
    a.deleteRecordsBefore(2n);
    await logs.close();
    const text = readFileSync(join(t.dir, RECOVERY_POINT_CHECKPOINT), 'utf8');
    assert.match(text, /^0\n2\n/);
    assert.equal(readCheckpoint(join(t.dir, RECOVERY_POINT_CHECKPOINT)).get('events-0'), 5n);
    assert.equal(readCheckpoint(join(t.dir, LOG_START_OFFSET_CHECKPOINT)).get('events-0'), 2n);
    const again = await open();
    assert.equal(again.all().length, 2);
    const a2 = again.get('events', 0)!;
    assert.equal(a2.logEndOffset, 5n);
    assert.equal(a2.logStartOffset, 2n);
    assert.equal(a2.topicId, 'AAAAAAAAAAAAAAAAAAAAAQ');
    assert.equal(again.get('events', 1)!.logEndOffset, 2n);
    await again.close();
  });

  it('without a clean shutdown, keeps every appended batch (nothing acknowledged is lost)', async () => {
    const logs = await open();
    const log = logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ segmentBytes: 2000 }));
    for (let i = 0; i < 30; i++) log.append(simpleBatch(3, T0, 50), T0);
    // Simulate kill -9: no close(), no checkpoint; the data is in the page cache.
    const again = await open();
    const reopened = again.get('events', 0)!;
    assert.equal(reopened.logEndOffset, 90n);
    assert.equal(decodeRecords(reopened.read(0n, 1 << 20, true).records).length > 0, true);
    let count = 0;
    for (let offset = 0n; offset < 90n; ) {
      const records = decodeRecords(reopened.read(offset, 1 << 20, true).records);
      count += records.length;
      offset = records[records.length - 1].offset + 1n;
    }
    assert.equal(count, 90);
    await again.close();
  });

  it('truncates a torn last batch and goes on from the last whole batch', async () => {
    const logs = await open();
    const log = logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    const batch = simpleBatch(4, T0, 30);
    log.append(Buffer.from(batch), T0);
    log.append(Buffer.from(batch), T0);
    // Cut the second batch in the middle, as a crash during write would.
    truncateSync(segment(), batch.length + 20);
    const again = await open();
    const reopened = again.get('events', 0)!;
    assert.equal(reopened.logEndOffset, 4n);
    assert.equal(statSync(segment()).size, batch.length);
    assert.equal(reopened.append(Buffer.from(batch), T0).baseOffset, 4n);
    assert.equal(decodeRecords(reopened.read(0n, 10_000, true).records).length, 8);
    await again.close();
  });

  it('cuts the log at a batch whose CRC does not match, and drops later segments', async () => {
    const logs = await open();
    const log = logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config({ segmentBytes: 1000 }));
    const batch = simpleBatch(1, T0, 150);
    for (let i = 0; i < 10; i++) log.append(Buffer.from(batch), T0);
    assert.ok(log.segmentCount >= 3);
    // Flip a byte inside the second batch of the first segment.
    const bytes = readFileSync(segment());
    bytes[batch.length + 100] ^= 0x55;
    writeFileSync(segment(), bytes);
    const again = await open();
    const reopened = again.get('events', 0)!;
    assert.equal(reopened.logEndOffset, 1n);
    assert.equal(reopened.segmentCount, 1);
    await again.close();
  });

  it('trusts segments below the recovery point and revalidates the tail after it', async () => {
    const logs = await open();
    const log = logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config());
    log.append(simpleBatch(2, T0), T0);
    await logs.close();
    // Garbage appended after a clean shutdown (beyond the recovery point) is cut off.
    appendFileSync(segment(), Buffer.alloc(30, 7));
    const again = await open();
    assert.equal(again.get('events', 0)!.logEndOffset, 2n);
    assert.equal(statSync(segment()).size, simpleBatch(2, T0).length);
    await again.close();
  });

  it('deletePartition removes the directory and its checkpoint entries', async () => {
    const logs = await open();
    logs.getOrCreate('events', 0, 'AAAAAAAAAAAAAAAAAAAAAQ', config()).append(simpleBatch(1, T0), T0);
    await logs.deletePartition('events', 0);
    assert.equal(logs.get('events', 0), undefined);
    assert.equal(readCheckpoint(join(t.dir, RECOVERY_POINT_CHECKPOINT)).size, 0);
    await logs.close();
    const again = await open();
    assert.equal(again.all().length, 0);
    await again.close();
  });
});
