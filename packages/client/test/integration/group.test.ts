import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, type AssignorName } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { groupConsumer, pollAll, pollUntilAssigned, produceNumbers, values } from './group-helpers.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const PARTITIONS = 4;

describe('consumer groups against a Fluxo broker', { skip }, () => {
  let broker: BrokerProcess;
  let admin: Admin;

  before(async () => {
    // No 3 s wait for more members before the first rebalance of each group (Kafka's default is for production).
    broker = await BrokerProcess.start(undefined, ['group.initial.rebalance.delay.ms=0']);
    admin = new Admin({ bootstrapServers: broker.bootstrap });
  });
  after(async () => {
    await admin?.close();
    await broker?.stop();
  });

  for (const assignor of ['range', 'roundrobin', 'sticky', 'cooperative-sticky'] as AssignorName[]) {
    it(`${assignor}: two members share the partitions, rebalance on leave, all records read once`, async () => {
      const topic = `share-${assignor}`;
      await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
      const opts = { partitionAssignmentStrategy: [assignor], enableAutoCommit: false };
      const a = groupConsumer(broker.bootstrap, `g-${assignor}`, opts);
      const b = groupConsumer(broker.bootstrap, `g-${assignor}`, opts);
      a.subscribe([topic]);
      b.subscribe([topic]);
      const got = await pollUntilAssigned([a, b], (s) => s[0] === 2 && s[1] === 2, 20_000);
      // Produced once the group is balanced, so each member's share is its two partitions' records.
      await produceNumbers(broker.bootstrap, topic, 0, 40, PARTITIONS);
      const more = await pollAll(
        [a, b],
        (g) => g[0]!.length + g[1]!.length + got[0]!.length + got[1]!.length >= 40,
        20_000,
      );
      const all = [...got[0]!, ...got[1]!, ...more[0]!, ...more[1]!];
      assert.deepEqual(
        values(all).sort((x, y) => x - y),
        Array.from({ length: 40 }, (_, i) => i),
      );
      assert.equal(got[0]!.length + more[0]!.length, 20, 'each member reads its two partitions');
      assert.equal(got[1]!.length + more[1]!.length, 20);
      const aParts = new Set(a.assignment().map((tp) => tp.partition));
      assert.ok(
        b.assignment().every((tp) => !aParts.has(tp.partition)),
        'no partition twice',
      );
      await a.commitSync();
      await b.close();
      // b left without committing: a resumes its own partitions at its commit and reads b's from the start.
      const [after] = await pollAll([a], (g) => g[0]!.length >= 20, 20_000);
      assert.equal(a.assignment().length, PARTITIONS);
      assert.deepEqual(
        values(after!).sort((x, y) => x - y),
        values([...got[1]!, ...more[1]!]).sort((x, y) => x - y),
      );
      await a.close();
    });
  }
});
