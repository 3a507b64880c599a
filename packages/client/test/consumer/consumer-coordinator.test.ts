import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  ApiKey,
  ApiVersionsResponse,
  ErrorCode,
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  MetadataResponse,
  Reader,
  RequestHeader,
  ResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  SyncGroupRequest,
  SyncGroupResponse,
  Writer,
  ZERO_UUID,
} from '@fluxo/protocol';
import { Cluster } from '../../src/cluster/cluster.js';
import { resolveConsumerConfig } from '../../src/consumer/consumer-config.js';
import { ConsumerCoordinator } from '../../src/consumer/group/consumer-coordinator.js';
import { decodeSubscription, encodeAssignment, FrameDecoder, type TopicPartition } from '../../src/index.js';

const ERROR_NAMES = new Map(Object.entries(ErrorCode).map(([name, code]) => [code as number, name]));

type Answer = { errorCode: number } & Record<string, unknown>;

/**
 * A scripted group coordinator: each JoinGroup / SyncGroup / Heartbeat takes the
 * next scripted answer (defaults once the script runs out); every request is
 * logged so the test can check the client's sequence against Kafka's protocol.
 */
class ScriptedCoordinator {
  readonly log: string[] = [];
  readonly joins: Answer[] = [];
  readonly heartbeats: number[] = [];
  readonly server: Server;
  generation = 0;
  constructor() {
    this.server = createServer((socket) => {
      const decoder = new FrameDecoder(1 << 20);
      socket.on('data', (chunk) => {
        for (const frame of decoder.push(chunk)) this.onRequest(socket, frame);
      });
      socket.on('error', () => {});
    });
  }
  get port(): number {
    return (this.server.address() as { port: number }).port;
  }
  private onRequest(socket: Socket, frame: Buffer): void {
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const r = new Reader(frame);
    const header = RequestHeader.decode(r, requestHeaderVersion(apiKey, version));
    const reply = (body: (w: Writer) => void) => {
      const w = new Writer();
      w.writeInt32(0);
      ResponseHeader.encode(w, { correlationId: header.correlationId }, responseHeaderVersion(apiKey, version));
      body(w);
      w.patchInt32(0, w.length - 4);
      socket.write(w.toBuffer());
    };
    switch (apiKey) {
      case ApiKey.ApiVersions:
        return reply((w) =>
          ApiVersionsResponse.encode(
            w,
            ApiVersionsResponse.create({
              apiKeys: [
                [ApiKey.ApiVersions, 3],
                [ApiKey.Metadata, 12],
                [ApiKey.FindCoordinator, 4],
                [ApiKey.JoinGroup, 9],
                [ApiKey.SyncGroup, 5],
                [ApiKey.Heartbeat, 4],
                [ApiKey.LeaveGroup, 5],
              ].map(([key, max]) => ({ apiKey: key!, minVersion: 0, maxVersion: max! })),
            }),
            version,
          ),
        );
      case ApiKey.Metadata:
        return reply((w) =>
          MetadataResponse.encode(
            w,
            MetadataResponse.create({
              brokers: [{ nodeId: 1, host: '127.0.0.1', port: this.port, rack: null }],
              controllerId: 1,
              topics: [
                {
                  errorCode: 0,
                  name: 't',
                  topicId: ZERO_UUID,
                  isInternal: false,
                  partitions: [0, 1].map((p) => ({
                    errorCode: 0,
                    partitionIndex: p,
                    leaderId: 1,
                    leaderEpoch: 0,
                    replicaNodes: [1],
                    isrNodes: [1],
                    offlineReplicas: [],
                  })),
                  topicAuthorizedOperations: 0,
                },
              ],
            }),
            version,
          ),
        );
      case ApiKey.FindCoordinator: {
        const req = FindCoordinatorRequest.decode(r, version);
        this.log.push(`FindCoordinator ${req.coordinatorKeys.join()}`);
        return reply((w) =>
          FindCoordinatorResponse.encode(
            w,
            FindCoordinatorResponse.create({
              coordinators: req.coordinatorKeys.map((key) => ({
                key,
                nodeId: 1,
                host: '127.0.0.1',
                port: this.port,
                errorCode: 0,
                errorMessage: null,
              })),
            }),
            version,
          ),
        );
      }
      case ApiKey.JoinGroup: {
        const req = JoinGroupRequest.decode(r, version);
        const owned = decodeSubscription(req.protocols[0]!.metadata).ownedPartitions.map((tp) => tp.partition);
        this.log.push(`JoinGroup member=${req.memberId || '-'} owned=${owned.join(',') || '-'}`);
        const scripted = this.joins.shift() ?? { errorCode: 0 };
        const memberId = req.memberId || 'm1';
        if (scripted.errorCode === 0) this.generation++;
        return reply((w) =>
          JoinGroupResponse.encode(
            w,
            JoinGroupResponse.create({
              generationId: this.generation,
              protocolType: 'consumer',
              protocolName: req.protocols[0]!.name,
              leader: memberId,
              memberId,
              members: [{ memberId, groupInstanceId: null, metadata: req.protocols[0]!.metadata }],
              ...scripted,
            }),
            version,
          ),
        );
      }
      case ApiKey.SyncGroup: {
        const req = SyncGroupRequest.decode(r, version);
        const mine = req.assignments.find((a) => a.memberId === req.memberId);
        this.log.push(`SyncGroup generation=${req.generationId}`);
        return reply((w) =>
          SyncGroupResponse.encode(
            w,
            SyncGroupResponse.create({
              protocolType: 'consumer',
              protocolName: req.protocolName,
              assignment: mine?.assignment ?? encodeAssignment([]),
            }),
            version,
          ),
        );
      }
      case ApiKey.Heartbeat: {
        const req = HeartbeatRequest.decode(r, version);
        const errorCode = this.heartbeats.shift() ?? 0;
        if (errorCode !== 0) this.log.push(`Heartbeat generation=${req.generationId} -> ${ERROR_NAMES.get(errorCode)}`);
        return reply((w) => HeartbeatResponse.encode(w, HeartbeatResponse.create({ errorCode }), version));
      }
      default:
        socket.destroy();
    }
  }
}

const names = (tps: readonly TopicPartition[]) => tps.map((tp) => tp.partition).join(',');

describe('ConsumerCoordinator against a scripted coordinator', () => {
  const broker = new ScriptedCoordinator();
  before(() => new Promise<void>((resolve) => broker.server.listen(0, '127.0.0.1', resolve)));
  after(() => new Promise<void>((resolve) => broker.server.close(() => resolve())));

  it('KIP-394 rejoin, rediscovery on NOT_COORDINATOR, rejoin on REBALANCE_IN_PROGRESS, lost partitions on ILLEGAL_GENERATION', async () => {
    const config = resolveConsumerConfig({
      bootstrapServers: `127.0.0.1:${broker.port}`,
      groupId: 'g',
      heartbeatIntervalMs: 20,
      retryBackoffMs: 1,
      partitionAssignmentStrategy: ['range'],
    });
    const cluster = new Cluster(config.client, { maxInFlight: 5 });
    const events: string[] = [];
    const coordinator = new ConsumerCoordinator(
      cluster,
      config as never,
      'g',
      {
        revoke: async (tps) => {
          events.push(`revoked ${names(tps)}`);
        },
        assign: async (tps) => {
          events.push(`assigned ${names(tps)}`);
        },
        lose: async (tps) => {
          events.push(`lost ${names(tps)}`);
        },
      },
      () => ['t'],
    );
    const pollUntil = async (done: () => boolean) => {
      const deadline = Date.now() + 5000;
      while (!done()) {
        assert.ok(Date.now() < deadline, `stuck; log: ${broker.log.join(' | ')}`);
        await coordinator.poll(20);
        await new Promise((resolve) => setTimeout(resolve, 5)); // a stable member's poll returns at once: let timers run
      }
    };
    broker.joins.push(
      { errorCode: ErrorCode.MEMBER_ID_REQUIRED },
      { errorCode: ErrorCode.NOT_COORDINATOR },
      { errorCode: 0 },
    );
    try {
      await pollUntil(() => coordinator.isStable);
    } catch (err) {
      coordinator.close();
      cluster.close();
      throw err;
    }
    assert.deepEqual(
      coordinator.assignment.map((tp) => tp.partition),
      [0, 1],
    );

    broker.heartbeats.push(ErrorCode.REBALANCE_IN_PROGRESS);
    await pollUntil(() => broker.generation === 2 && coordinator.isStable);

    broker.heartbeats.push(ErrorCode.ILLEGAL_GENERATION);
    try {
      await pollUntil(() => broker.generation === 3 && coordinator.isStable);
    } finally {
      coordinator.close();
      cluster.close();
    }

    assert.deepEqual(broker.log, [
      'FindCoordinator g',
      'JoinGroup member=- owned=-', // MEMBER_ID_REQUIRED hands out m1
      'JoinGroup member=m1 owned=-', // NOT_COORDINATOR: find it again
      'FindCoordinator g',
      'JoinGroup member=m1 owned=-',
      'SyncGroup generation=1',
      'Heartbeat generation=1 -> REBALANCE_IN_PROGRESS',
      'JoinGroup member=m1 owned=0,1', // eager: revoked first, still reported as owned for sticky assignors
      'SyncGroup generation=2',
      'Heartbeat generation=2 -> ILLEGAL_GENERATION',
      'JoinGroup member=- owned=-', // fenced: a fresh member with nothing owned
      'SyncGroup generation=3',
    ]);
    assert.deepEqual(events, ['assigned 0,1', 'revoked 0,1', 'assigned 0,1', 'lost 0,1', 'assigned 0,1']);
  });
});
