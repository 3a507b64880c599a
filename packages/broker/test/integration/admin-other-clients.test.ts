import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { kcat, python, type RunningBroker, removeDir, startBroker } from './harness.js';

let broker: RunningBroker;

before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

describe('admin through librdkafka and @platformatic/kafka', () => {
  it('python confluent_kafka creates (and validates only), describes, alters and deletes', async () => {
    const r = await python(
      broker.bootstrap,
      `
import json
from confluent_kafka.admin import AdminClient, NewTopic, ConfigResource
a = AdminClient({'bootstrap.servers': BOOTSTRAP})
out = {}
for t, f in a.create_topics([NewTopic('py-topic', 3, 1, config={'retention.bytes': '1000000'})]).items():
    f.result()
for t, f in a.create_topics([NewTopic('py-dry', 2, 1)], validate_only=True).items():
    f.result()
for t, f in a.create_topics([NewTopic('py-rf', 1, 2)]).items():
    try:
        f.result(); out['rf'] = 'ok'
    except Exception as e:
        out['rf'] = e.args[0].name()
topics = a.list_topics(timeout=10).topics
out['topics'] = sorted(topics.keys())
out['partitions'] = len(topics['py-topic'].partitions)
res = ConfigResource(ConfigResource.Type.TOPIC, 'py-topic')
for r, f in a.describe_configs([res]).items():
    out['retention.bytes'] = f.result()['retention.bytes'].value
res = ConfigResource(ConfigResource.Type.TOPIC, 'py-topic', set_config={'retention.ms': '1234'})
for r, f in a.alter_configs([res]).items():
    f.result()
for r, f in a.describe_configs([ConfigResource(ConfigResource.Type.TOPIC, 'py-topic')]).items():
    out['after'] = f.result()['retention.ms'].value
for t, f in a.delete_topics(['py-topic']).items():
    f.result()
out['left'] = sorted(a.list_topics(timeout=10).topics.keys())
print(json.dumps(out))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      rf: 'INVALID_REPLICATION_FACTOR',
      topics: ['py-topic'],
      partitions: 3,
      'retention.bytes': '1000000',
      after: '1234',
      left: [],
    });
  });

  it('@platformatic/kafka creates and deletes; kcat lists brokers and topics', async () => {
    const admin = new Admin({ clientId: 'it', bootstrapBrokers: [broker.bootstrap] });
    try {
      const created = await admin.createTopics({ topics: ['plat-topic'], partitions: 4, replicas: 1 });
      assert.equal(created[0]!.partitions, 4);
      assert.ok((await admin.listTopics()).includes('plat-topic'));
      const r = await kcat(['-b', broker.bootstrap, '-L', '-J']);
      assert.equal(r.code, 0, r.stderr);
      const meta = JSON.parse(r.stdout) as {
        brokers: { id: number }[];
        topics: { topic: string; partitions: unknown[] }[];
      };
      assert.deepEqual(
        meta.brokers.map((b) => b.id),
        [1],
      );
      assert.equal(meta.topics.find((t) => t.topic === 'plat-topic')?.partitions.length, 4);
      await admin.deleteTopics({ topics: ['plat-topic'] });
      assert.ok(!(await admin.listTopics()).includes('plat-topic'));
    } finally {
      await admin.close();
    }
  });
});
