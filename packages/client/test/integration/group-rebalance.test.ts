import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin, type TopicPartition } from '../../src/index.js';
import { BrokerProcess } from './broker-process.js';
import { groupConsumer, pollAll, pollUntilAssigned } from './group-helpers.js';

const skip = BrokerProcess.available() ? false : 'CLI not built (packages/cli/dist/src/main.js)';
const PARTITIONS = 4;
const names = (tps: readonly TopicPartition[]) => tps.map((tp) => tp.partition).sort((a, b) => a - b);

describe('group rebalances against a Fluxo broker', { skip }, () => {
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

  it('cooperative-sticky: a joining member takes half, the first member keeps the rest without losing them', async () => {
    const topic = 'coop';
    await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
    const events: string[] = [];
    const a = groupConsumer(broker.bootstrap, 'g-coop', { partitionAssignmentStrategy: ['cooperative-sticky'] });
    a.subscribe([topic], {
      onPartitionsAssigned: (tps) => {
        if (tps.length > 0) events.push(`assigned ${names(tps)}`);
      },
      onPartitionsRevoked: (tps) => {
        events.push(`revoked ${names(tps)}`);
      },
    });
    await pollUntilAssigned([a], (s) => s[0] === PARTITIONS, 20_000);
    const b = groupConsumer(broker.bootstrap, 'g-coop', { partitionAssignmentStrategy: ['cooperative-sticky'] });
    b.subscribe([topic]);
    await pollUntilAssigned([a, b], (s) => s[0] === 2 && s[1] === 2, 20_000);
    const kept = names(a.assignment());
    // Incremental: a was never asked to give up everything, only the two partitions b now owns.
    assert.deepEqual(events, ['assigned 0,1,2,3', `revoked ${names(b.assignment())}`]);
    assert.equal(kept.length, 2);
    await Promise.all([a.close(), b.close()]);
  });

  it('static member: a restart with the same group.instance.id gets its partitions back without a rebalance', async () => {
    const topic = 'static';
    await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
    const config = { partitionAssignmentStrategy: ['range' as const], sessionTimeoutMs: 10_000 };
    let bChanges = 0;
    const a = groupConsumer(broker.bootstrap, 'g-static', { ...config, groupInstanceId: 'instance-a' });
    const b = groupConsumer(broker.bootstrap, 'g-static', { ...config, groupInstanceId: 'instance-b' });
    b.subscribe([topic], {
      onPartitionsAssigned: () => {
        bChanges++;
      },
      onPartitionsRevoked: () => {
        bChanges++;
      },
    });
    await pollUntilAssigned([b], (s) => s[0] === PARTITIONS, 20_000);
    // a joins second, so its only JoinGroup carried no owned partitions, like its restarted self below. (Fluxo's
    // coordinator rebalances when a static member's metadata bytes change; Kafka only when the chosen protocol would.)
    a.subscribe([topic]);
    await pollUntilAssigned([a, b], (s) => s[0] === 2 && s[1] === 2, 20_000);
    const before = { a: names(a.assignment()), b: names(b.assignment()), bGeneration: b.groupMetadata().generationId };
    const changesBefore = bChanges;
    await a.close(); // static: no LeaveGroup, b keeps running
    await pollAll([b], () => false, 0).catch(() => {});
    const a2 = groupConsumer(broker.bootstrap, 'g-static', { ...config, groupInstanceId: 'instance-a' });
    a2.subscribe([topic]);
    await pollUntilAssigned([a2, b], (s) => s[0] === 2, 20_000);
    // Let b heartbeat for a while: a rebalance would show up as REBALANCE_IN_PROGRESS and a revocation.
    await pollAll([a2, b], () => false, 1500).catch(() => {});
    assert.deepEqual(names(a2.assignment()), before.a);
    assert.deepEqual(names(b.assignment()), before.b);
    assert.equal(bChanges, changesBefore, 'b saw no rebalance');
    assert.equal(b.groupMetadata().generationId, before.bGeneration);
    await Promise.all([a2.close(), b.close()]);
  });

  it('a member that stops polling beyond max.poll.interval.ms leaves; its partitions go to the other member', async () => {
    const topic = 'slow';
    await admin.createTopics([{ topic, numPartitions: PARTITIONS }]);
    const lost: number[][] = [];
    const slow = groupConsumer(broker.bootstrap, 'g-slow', {
      partitionAssignmentStrategy: ['range'],
      maxPollIntervalMs: 1500,
    });
    const fast = groupConsumer(broker.bootstrap, 'g-slow', {
      partitionAssignmentStrategy: ['range'],
      maxPollIntervalMs: 20_000,
    });
    slow.subscribe([topic], {
      onPartitionsLost: (tps) => {
        lost.push(names(tps));
      },
    });
    fast.subscribe([topic]);
    await pollUntilAssigned([slow, fast], (s) => s[0] === 2 && s[1] === 2, 20_000);
    const slowHad = names(slow.assignment());
    // Only `fast` polls now; `slow` is past its max.poll.interval.ms after 1.5 s and leaves the group.
    await pollUntilAssigned([fast], (s) => s[0] === PARTITIONS, 20_000);
    await slow.poll(0).catch(() => {});
    assert.deepEqual(lost, [slowHad], 'the slow member is told its partitions were lost when it polls again');
    await Promise.all([slow.close(), fast.close()]);
  });
});
