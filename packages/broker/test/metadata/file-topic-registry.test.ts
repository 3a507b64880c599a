import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileTopicRegistry } from '../../src/metadata/file-topic-registry.js';
import { loadOrCreateMetaProperties } from '../../src/metadata/meta-properties.js';

const dir = mkdtempSync(join(tmpdir(), 'fluxo-registry-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const topic = (name: string, topicId: string, partitions = 1) => ({
  name,
  topicId,
  partitions,
  replicationFactor: 1,
  configs: { 'retention.ms': '1000' },
  isInternal: false,
});

describe('FileTopicRegistry', () => {
  it('persists adds, updates and removes across reopen', () => {
    const a = FileTopicRegistry.open(dir);
    a.add(topic('one', 'AAAAAAAAAAAAAAAAAAAAAg'));
    a.add(topic('two', 'AAAAAAAAAAAAAAAAAAAAAw'));
    a.update({ ...a.get('one')!, partitions: 4 });
    a.remove('two');
    const b = FileTopicRegistry.open(dir);
    assert.deepEqual(
      b.list().map((t) => [t.name, t.partitions, t.configs['retention.ms']]),
      [['one', 4, '1000']],
    );
    assert.equal(b.byId('AAAAAAAAAAAAAAAAAAAAAg')?.name, 'one');
    assert.equal(b.byId('AAAAAAAAAAAAAAAAAAAAAw'), undefined);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temp file left behind');
  });

  it('refuses a duplicate add', () => {
    const r = FileTopicRegistry.inMemory([topic('x', 'AAAAAAAAAAAAAAAAAAAABA')]);
    assert.throws(() => r.add(topic('x', 'AAAAAAAAAAAAAAAAAAAABQ')));
  });
});

describe('meta.properties', () => {
  it('keeps the cluster id across restarts and refuses another node id', () => {
    const first = loadOrCreateMetaProperties(dir, 1);
    assert.ok(existsSync(join(dir, 'meta.properties')));
    assert.equal(first.clusterId.length, 22);
    assert.equal(loadOrCreateMetaProperties(dir, 1).clusterId, first.clusterId);
    assert.throws(() => loadOrCreateMetaProperties(dir, 2), /does not match configured node.id 2/);
  });
});
