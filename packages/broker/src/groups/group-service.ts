/**
 * Hosts the group coordinator (a pure state machine in @fluxo/coordinator) in
 * the broker: drives its clock with one timer, persists what it decides in
 * `__consumer_offsets`, keeps committed offsets, loads both back at start-up
 * and expires offsets after offsets.retention.minutes.
 */
import { randomUUID } from 'node:crypto';
import {
  GroupCoordinator,
  type Group,
  GroupState,
  groupFromMetadata,
  type GroupMetadata,
  groupMetadataKey,
  groupMetadataOf,
  groupMetadataValue,
  OffsetStore,
  offsetCommitKey,
  offsetCommitValue,
} from '@fluxo/coordinator';
import type { Clock } from '@fluxo/core';
import { ErrorCode } from '@fluxo/protocol';
import type { LogManager } from '@fluxo/storage';
import type { GroupCoordinatorSettings } from '../config/broker-config.js';
import type { Logger } from '../log/logger.js';
import type { DynamicBrokerConfigs } from '../metadata/dynamic-broker-configs.js';
import type { TopicRegistry } from '../metadata/topic-registry.js';
import {
  appendRecords,
  commitErrorFor,
  groupWriteErrorFor,
  type KeyValue,
  replayPartition,
} from './consumer-offsets-log.js';
import { OFFSETS_TOPIC, type OffsetsTopicDeps, offsetsPartitionLog, offsetsTopic } from './offsets-topic.js';

export interface GroupServiceDeps {
  readonly clock: Clock;
  readonly topics: TopicRegistry;
  readonly logs: LogManager;
  readonly dynamicConfigs: DynamicBrokerConfigs;
  readonly settings: GroupCoordinatorSettings;
  readonly logger: Logger;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
}

export class GroupService {
  readonly coordinator: GroupCoordinator;
  readonly offsets = new OffsetStore();
  private readonly topicDeps: OffsetsTopicDeps;
  private tickTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: GroupServiceDeps) {
    this.topicDeps = deps;
    this.coordinator = new GroupCoordinator(
      deps.clock,
      {
        newMemberId: (clientId) => `${clientId}-${randomUUID()}`,
        persistGroup: (group) => this.persistGroup(group),
      },
      {
        minSessionTimeoutMs: deps.settings.minSessionTimeoutMs,
        maxSessionTimeoutMs: deps.settings.maxSessionTimeoutMs,
        initialRebalanceDelayMs: deps.settings.initialRebalanceDelayMs,
        maxSize: deps.settings.maxSize,
      },
    );
  }

  /** Replays `__consumer_offsets` (if it exists) and starts the expiry timer. */
  static open(deps: GroupServiceDeps): GroupService {
    const service = new GroupService(deps);
    service.load();
    service.expiryTimer = setInterval(() => {
      service.expireOffsets();
    }, deps.settings.offsetsRetentionCheckIntervalMs);
    service.expiryTimer.unref();
    return service;
  }

  private load(): void {
    const topic = offsetsTopic(this.topicDeps);
    if (topic === undefined) return;
    const groups = new Map<string, GroupMetadata | null>();
    for (let p = 0; p < topic.partitions; p++) {
      const log = this.deps.logs.get(OFFSETS_TOPIC, p);
      if (log === undefined) continue;
      for (const record of replayPartition(log, this.deps.logger)) {
        if (record.kind === 'offset') this.offsets.apply(record);
        else if (record.kind === 'group') groups.set(record.group, record.value);
      }
    }
    for (const [groupId, value] of groups) {
      if (value === null) this.coordinator.forget(groupId);
      else {
        try {
          this.coordinator.restore(groupFromMetadata(groupId, value));
        } catch (err) {
          // A record that decodes but makes no sense as a group: the group starts over, the broker starts.
          this.deps.logger.warn('skipping unusable group metadata', { group: groupId, error: String(err) });
        }
      }
    }
    // Offsets committed without membership belong to an Empty group of their own.
    for (const groupId of this.offsets.groups()) this.coordinator.ensureGroup(groupId);
    const loaded = this.coordinator.allGroups().length;
    if (loaded > 0) this.deps.logger.info('loaded consumer groups', { groups: loaded });
    this.schedule();
  }

  /** Re-arms the one timer at the coordinator's next deadline; call after every coordinator operation. */
  schedule(): void {
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    if (this.closed) return;
    const next = this.coordinator.nextDeadlineMs();
    if (next === undefined) return;
    const delay = Math.max(0, Math.ceil(next - this.deps.clock.monotonicMs()));
    this.tickTimer = setTimeout(() => {
      this.tickTimer = undefined;
      this.coordinator.tick();
      this.schedule();
    }, delay);
    this.tickTimer.unref();
  }

  /** Appends a group's records to its `__consumer_offsets` partition; returns the log's error code. */
  private write(groupId: string, records: KeyValue[]): number {
    if (this.closed) return ErrorCode.NOT_COORDINATOR;
    return appendRecords(offsetsPartitionLog(this.topicDeps, groupId), records, this.deps.clock.nowMs());
  }

  /** The coordinator's persistGroup hook: the error to give members when the record is not in the log. */
  private persistGroup(group: Group): number {
    const key = groupMetadataKey(group.groupId);
    const value = group.is(GroupState.Dead) ? null : groupMetadataValue(groupMetadataOf(group));
    const error = this.write(group.groupId, [{ key, value }]);
    if (error === ErrorCode.NONE) return ErrorCode.NONE;
    this.deps.logger.warn('could not write group metadata', { group: group.groupId, errorCode: error });
    return groupWriteErrorFor(error);
  }

  /** OffsetCommit after validation: one write for all partitions, then the offsets become visible. */
  commit(groupId: string, offsets: readonly OffsetToCommit[]): number {
    const commitTimestampMs = BigInt(this.deps.clock.nowMs());
    const records = offsets.map((o) => ({
      key: offsetCommitKey(groupId, o.topic, o.partition),
      value: offsetCommitValue({
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestampMs,
      }),
    }));
    const error = this.write(groupId, records);
    if (error !== ErrorCode.NONE) return commitErrorFor(error);
    for (const o of offsets) {
      this.offsets.commit(groupId, o.topic, o.partition, {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch,
        metadata: o.metadata,
        commitTimestampMs,
      });
    }
    return ErrorCode.NONE;
  }

  /** Writes tombstones for these offsets and forgets them. */
  deleteOffsets(groupId: string, partitions: readonly { topic: string; partition: number }[]): number {
    const present = partitions.filter((p) => this.offsets.get(groupId, p.topic, p.partition) !== undefined);
    const error = this.write(
      groupId,
      present.map((p) => ({ key: offsetCommitKey(groupId, p.topic, p.partition), value: null })),
    );
    if (error !== ErrorCode.NONE) return commitErrorFor(error);
    for (const p of present) this.offsets.delete(groupId, p.topic, p.partition);
    return ErrorCode.NONE;
  }

  /**
   * DeleteTopics: the committed offsets of a deleted topic go from every group,
   * with tombstones, so they do not come back after a restart or when a topic
   * of that name is created again (Kafka's onPartitionsDeleted).
   */
  deleteOffsetsOfTopic(topic: string): void {
    for (const groupId of this.offsets.groups()) {
      const partitions = this.offsets.all(groupId).filter((o) => o.topic === topic);
      if (partitions.length === 0) continue;
      const error = this.deleteOffsets(groupId, partitions);
      if (error !== ErrorCode.NONE) {
        this.deps.logger.warn('could not delete offsets of a deleted topic', {
          group: groupId,
          topic,
          errorCode: error,
        });
      }
    }
  }

  /** DeleteGroups for one group: only an Empty group goes, with all its offsets. */
  deleteGroup(groupId: string): number {
    const group = this.coordinator.group(groupId);
    if (group === undefined || group.is(GroupState.Dead)) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is(GroupState.Empty)) return ErrorCode.NON_EMPTY_GROUP;
    const error = this.deleteOffsets(groupId, this.offsets.all(groupId));
    if (error !== ErrorCode.NONE) return error;
    return this.coordinator.delete(groupId);
  }

  /**
   * offsets.retention.minutes: offsets of a group without members expire that
   * long after it became empty (or after their commit, if later); offsets
   * committed outside group management expire from their commit. A group
   * left Empty with no offsets is removed.
   */
  expireOffsets(): number {
    const now = BigInt(this.deps.clock.nowMs());
    const expired = this.offsets.expired(now, BigInt(this.deps.settings.offsetsRetentionMs), (groupId) => {
      const group = this.coordinator.group(groupId);
      if (group === undefined) return 0n;
      if (!group.is(GroupState.Empty)) return undefined;
      return group.protocolType === null ? 0n : BigInt(group.stateTimestampMs);
    });
    const byGroup = new Map<string, { topic: string; partition: number }[]>();
    for (const e of expired) {
      const list = byGroup.get(e.group) ?? [];
      list.push({ topic: e.topic, partition: e.partition });
      byGroup.set(e.group, list);
    }
    let removed = 0;
    for (const [groupId, partitions] of byGroup) {
      if (this.deleteOffsets(groupId, partitions) !== ErrorCode.NONE) continue;
      removed += partitions.length;
      const group = this.coordinator.group(groupId);
      if (group?.is(GroupState.Empty) && this.offsets.all(groupId).length === 0) this.coordinator.delete(groupId);
    }
    if (removed > 0) this.deps.logger.info('expired committed offsets', { offsets: removed });
    return removed;
  }

  /** Answers every waiting JoinGroup/SyncGroup with NOT_COORDINATOR so shutdown does not wait on rebalances. */
  close(): void {
    if (this.closed) return;
    this.coordinator.unloadAll(ErrorCode.NOT_COORDINATOR);
    this.closed = true;
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    if (this.expiryTimer !== undefined) clearInterval(this.expiryTimer);
  }
}
