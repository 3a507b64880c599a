import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@fluxo/core';
import { DEFAULT_LOG_CONFIG, type LogConfig, PartitionLog } from '../src/index.js';

export const T0 = 1_700_000_000_000;

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'fluxo-storage-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides };
}

export function openLog(
  dir: string,
  overrides: Partial<LogConfig> = {},
  clock = new ManualClock(T0),
  logStartOffset?: bigint,
) {
  return PartitionLog.open({
    dir: join(dir, 'topic-0'),
    topic: 'topic',
    partition: 0,
    topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
    config: config(overrides),
    clock,
    logStartOffset,
  });
}
