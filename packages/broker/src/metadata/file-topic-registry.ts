import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import type { MutableTopicRegistry, TopicInfo } from './topic-registry.js';

const FILE_NAME = '__fluxo_topics.json';
const FORMAT_VERSION = 1;

interface StoredFile {
  version: number;
  topics: TopicInfo[];
  /** Ids of deleted topics whose partition dirs may still be on disk (a delete cut by a crash). */
  deletedTopicIds?: string[];
}

/**
 * The single-node topic registry: one JSON file in the log dir, rewritten
 * atomically on every change (topic changes are rare and small). With no
 * directory it lives in memory only (handler tests).
 */
export class FileTopicRegistry implements MutableTopicRegistry {
  private readonly byName = new Map<string, TopicInfo>();
  private readonly byTopicId = new Map<string, TopicInfo>();
  private readonly deleted = new Set<string>();

  private constructor(private readonly path: string | null) {}

  static open(logDir: string): FileTopicRegistry {
    const registry = new FileTopicRegistry(join(logDir, FILE_NAME));
    const path = registry.path!;
    if (existsSync(path)) {
      const stored = JSON.parse(readFileSync(path, 'utf8')) as StoredFile;
      if (stored.version !== FORMAT_VERSION) throw new Error(`${path}: unknown format version ${stored.version}`);
      for (const t of stored.topics) registry.index(t);
      for (const id of stored.deletedTopicIds ?? []) registry.deleted.add(id);
    }
    return registry;
  }

  static inMemory(topics: readonly TopicInfo[] = []): FileTopicRegistry {
    const registry = new FileTopicRegistry(null);
    for (const t of topics) registry.index(t);
    return registry;
  }

  get(name: string): TopicInfo | undefined {
    return this.byName.get(name);
  }

  byId(topicId: string): TopicInfo | undefined {
    return this.byTopicId.get(topicId);
  }

  list(): TopicInfo[] {
    return [...this.byName.values()];
  }

  add(topic: TopicInfo): void {
    if (this.byName.has(topic.name)) throw new Error(`topic ${topic.name} already registered`);
    this.persist([...this.list(), topic], this.deleted);
    this.index(topic);
  }

  remove(name: string): void {
    const topic = this.byName.get(name);
    if (topic === undefined) return;
    this.persist(
      this.list().filter((t) => t.name !== name),
      new Set([...this.deleted, topic.topicId]),
    );
    this.byName.delete(name);
    this.byTopicId.delete(topic.topicId);
    this.deleted.add(topic.topicId);
  }

  /** True when a topic with this id was deleted and its files may remain. */
  wasDeleted(topicId: string): boolean {
    return this.deleted.has(topicId);
  }

  /** Called once the files of every deleted topic are gone. */
  forgetDeleted(): void {
    if (this.deleted.size === 0) return;
    this.persist(this.list(), new Set());
    this.deleted.clear();
  }

  update(topic: TopicInfo): void {
    const old = this.byName.get(topic.name);
    if (old === undefined || old.topicId !== topic.topicId) throw new Error(`topic ${topic.name} is not registered`);
    this.persist(
      this.list().map((t) => (t.name === topic.name ? topic : t)),
      this.deleted,
    );
    this.index(topic);
  }

  private index(topic: TopicInfo): void {
    const frozen = Object.freeze({ ...topic, configs: Object.freeze({ ...topic.configs }) });
    this.byName.set(topic.name, frozen);
    this.byTopicId.set(topic.topicId, frozen);
  }

  /** Writes the next state before memory changes, so a failed write leaves both as they were. */
  private persist(topics: readonly TopicInfo[], deleted: ReadonlySet<string>): void {
    if (this.path === null) return;
    const stored: StoredFile = { version: FORMAT_VERSION, topics: [...topics], deletedTopicIds: [...deleted] };
    writeFileAtomically(this.path, `${JSON.stringify(stored, null, 1)}\n`);
  }
}
