/**
 * Every broker setting Fluxo accepts, by Kafka's name, with Kafka's type and
 * default (or Fluxo's, where noted). A name not in this table stops start-up,
 * so a typo never silently falls back to a default.
 */
export type SettingType = 'int' | 'long' | 'short' | 'boolean' | 'string' | 'list' | 'double';

export interface SettingSpec {
  readonly name: string;
  readonly type: SettingType;
  /** Kafka's default as text; null means "unset" (another setting decides). */
  readonly defaultValue: string | null;
  /** Smallest accepted value for numeric settings. */
  readonly min?: number;
  /** Allowed values for enumerated strings. */
  readonly oneOf?: readonly string[];
  /** Accepted for compatibility with Kafka config files; Fluxo does not act on it. */
  readonly ignored?: boolean;
}

const LONG_MAX = '9223372036854775807';
const INT_MAX = '2147483647';

const spec = (
  name: string,
  type: SettingType,
  defaultValue: string | null,
  extra: Partial<SettingSpec> = {},
): SettingSpec => ({ name, type, defaultValue, ...extra });

export const SETTINGS: readonly SettingSpec[] = [
  // Identity and roles. Fluxo defaults node.id to 1 (Kafka has none) so `fluxo start` needs no file.
  spec('node.id', 'int', '1', { min: 0 }),
  spec('broker.id', 'int', null, { min: 0 }),
  spec('process.roles', 'list', 'broker,controller'),
  spec('controller.quorum.voters', 'list', '', { ignored: true }),
  spec('controller.quorum.bootstrap.servers', 'list', '', { ignored: true }),
  spec('controller.listener.names', 'list', 'CONTROLLER', { ignored: true }),
  spec('inter.broker.listener.name', 'string', null, { ignored: true }),
  spec('listener.security.protocol.map', 'string', null, { ignored: true }),
  spec('listeners', 'list', 'PLAINTEXT://localhost:9092'),
  spec('advertised.listeners', 'list', null),
  spec('broker.rack', 'string', null),
  // Storage. Fluxo keeps data in ./data by default (Kafka: /tmp/kafka-logs).
  spec('log.dirs', 'list', null),
  spec('log.dir', 'string', './data'),
  spec('num.partitions', 'int', '1', { min: 1 }),
  spec('default.replication.factor', 'short', '1', { min: 1 }),
  spec('auto.create.topics.enable', 'boolean', 'true'),
  spec('delete.topic.enable', 'boolean', 'true'),
  spec('log.retention.hours', 'int', '168'),
  spec('log.retention.minutes', 'int', null),
  spec('log.retention.ms', 'long', null, { min: -1 }),
  spec('log.retention.bytes', 'long', '-1', { min: -1 }),
  spec('log.segment.bytes', 'int', '1073741824', { min: 14 }),
  spec('log.roll.hours', 'int', '168', { min: 1 }),
  spec('log.roll.ms', 'long', null, { min: 1 }),
  spec('log.retention.check.interval.ms', 'long', '300000', { min: 1 }),
  spec('log.flush.interval.messages', 'long', LONG_MAX, { min: 1 }),
  spec('log.flush.interval.ms', 'long', null, { min: 0 }),
  spec('log.flush.scheduler.interval.ms', 'long', LONG_MAX),
  spec('log.flush.offset.checkpoint.interval.ms', 'int', '60000', { min: 0 }),
  spec('log.cleanup.policy', 'list', 'delete'),
  spec('log.index.interval.bytes', 'int', '4096', { min: 0 }),
  spec('log.index.size.max.bytes', 'int', '10485760', { min: 4 }),
  spec('log.message.timestamp.type', 'string', 'CreateTime', { oneOf: ['CreateTime', 'LogAppendTime'] }),
  spec('log.segment.delete.delay.ms', 'long', '60000', { min: 0 }),
  spec('log.preallocate', 'boolean', 'false'),
  spec('log.roll.jitter.ms', 'long', null, { min: 0 }),
  spec('log.roll.jitter.hours', 'int', null, { min: 0 }),
  spec('log.message.timestamp.after.max.ms', 'long', null, { min: 0 }),
  spec('log.message.timestamp.before.max.ms', 'long', null, { min: 0 }),
  spec('log.cleaner.enable', 'boolean', 'true'),
  spec('log.cleaner.threads', 'int', '1', { min: 0 }),
  spec('log.cleaner.dedupe.buffer.size', 'long', '134217728', { min: 1024 * 1024 }),
  spec('log.cleaner.io.buffer.size', 'int', '524288', { min: 512 }),
  spec('log.cleaner.io.buffer.load.factor', 'double', '0.9'),
  spec('log.cleaner.io.max.bytes.per.second', 'double', '1.7976931348623157E308', { ignored: true }),
  spec('log.cleaner.backoff.ms', 'long', '15000', { min: 0 }),
  spec('log.cleaner.delete.retention.ms', 'long', null, { min: 0 }),
  spec('log.cleaner.max.compaction.lag.ms', 'long', null, { min: 1 }),
  spec('log.cleaner.min.compaction.lag.ms', 'long', null, { min: 0 }),
  spec('log.cleaner.min.cleanable.ratio', 'double', null),
  spec('message.max.bytes', 'int', '1048588', { min: 0 }),
  spec('min.insync.replicas', 'int', '1', { min: 1 }),
  spec('compression.type', 'string', 'producer', {
    oneOf: ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'],
  }),
  spec('unclean.leader.election.enable', 'boolean', 'false'),
  spec('num.recovery.threads.per.data.dir', 'int', '2', { min: 1, ignored: true }),
  // Network limits.
  spec('socket.request.max.bytes', 'int', '104857600', { min: 1 }),
  spec('socket.send.buffer.bytes', 'int', '102400'),
  spec('socket.receive.buffer.bytes', 'int', '102400'),
  spec('max.connections', 'int', INT_MAX, { min: 0 }),
  spec('max.connections.per.ip', 'int', INT_MAX, { min: 0 }),
  spec('queued.max.requests', 'int', '500', { min: 1 }),
  spec('fetch.max.bytes', 'int', '57671680', { min: 1024 }),
  spec('max.incremental.fetch.session.cache.slots', 'int', '1000', { min: 0 }),
  spec('connections.max.idle.ms', 'long', '600000'),
  spec('num.network.threads', 'int', '3', { min: 1, ignored: true }),
  spec('num.io.threads', 'int', '8', { min: 1, ignored: true }),
  spec('background.threads', 'int', '10', { min: 1, ignored: true }),
  // The group coordinator and __consumer_offsets.
  spec('group.initial.rebalance.delay.ms', 'int', '3000', { min: 0 }),
  spec('group.min.session.timeout.ms', 'int', '6000', { min: 0 }),
  spec('group.max.session.timeout.ms', 'int', '1800000', { min: 0 }),
  spec('group.max.size', 'int', INT_MAX, { min: 1 }),
  spec('offsets.topic.num.partitions', 'int', '50', { min: 1 }),
  spec('offsets.topic.segment.bytes', 'int', '104857600', { min: 1 }),
  spec('offsets.retention.minutes', 'int', '10080', { min: 1 }),
  spec('offsets.retention.check.interval.ms', 'long', '600000', { min: 1 }),
  spec('offset.metadata.max.bytes', 'int', '4096', { min: 0 }),
  spec('offsets.topic.replication.factor', 'short', '3', { min: 1, ignored: true }),
  spec('offsets.topic.compression.codec', 'int', '0', { ignored: true }),
  spec('offsets.commit.timeout.ms', 'int', '5000', { min: 1, ignored: true }),
  spec('offsets.load.buffer.size', 'int', '5242880', { min: 1, ignored: true }),
  // Idempotent producers: state of a producer idle this long is dropped.
  spec('producer.id.expiration.ms', 'int', '86400000', { min: 1 }),
  spec('producer.id.expiration.check.interval.ms', 'int', '600000', { min: 1 }),
  // Transactions (a later issue); accepted so stock Kafka files start.
  spec('transaction.state.log.replication.factor', 'short', '3', { min: 1, ignored: true }),
  spec('transaction.state.log.min.isr', 'int', '2', { min: 1, ignored: true }),
];

const byName = new Map(SETTINGS.map((s) => [s.name, s]));

export function settingSpec(name: string): SettingSpec | undefined {
  return byName.get(name);
}
