/**
 * The topics this broker knows (single node): names, ids, partition counts and
 * config overrides. The implementation persists them in the data dir; a later
 * issue replaces it with the Raft metadata log.
 */
export interface TopicInfo {
  readonly name: string;
  /** Kafka uuid (22-char base64url, as @fluxo/protocol holds uuids). */
  readonly topicId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level config overrides by Kafka name (e.g. "retention.ms"). */
  readonly configs: Readonly<Record<string, string>>;
  readonly isInternal: boolean;
}

export interface TopicRegistry {
  get(name: string): TopicInfo | undefined;
  byId(topicId: string): TopicInfo | undefined;
  list(): TopicInfo[];
}

/**
 * The registry's write side, used by the admin handlers. Each change is durable
 * when the call returns (the file is replaced atomically).
 */
export interface MutableTopicRegistry extends TopicRegistry {
  /** Adds a topic; the caller has validated the name and checked it is new. */
  add(topic: TopicInfo): void;
  remove(name: string): void;
  /** Replaces a topic's entry (partition count or config overrides changed). */
  update(topic: TopicInfo): void;
  /** True when a topic with this id was removed and its files may still be on disk. */
  wasDeleted(topicId: string): boolean;
  /** Forgets the removed ids once their files are gone. */
  forgetDeleted(): void;
}

/** True when `registry` can also be changed (the single-node file registry can). */
export function isMutableTopicRegistry(registry: TopicRegistry): registry is MutableTopicRegistry {
  const r = registry as Partial<MutableTopicRegistry>;
  return typeof r.add === 'function' && typeof r.remove === 'function' && typeof r.update === 'function';
}
