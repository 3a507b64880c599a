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
