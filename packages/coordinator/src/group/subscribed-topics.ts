/**
 * The topics a consumer group's members subscribe to, read from their
 * ConsumerProtocolSubscription metadata (int16 version, then the struct).
 * OffsetDelete refuses to delete offsets of a topic the group still reads.
 */
import { ConsumerProtocolSubscription, Reader } from '@fluxo/protocol';
import type { Group } from './group.js';

/** undefined when unknown: not a "consumer" group, or metadata we cannot read (then every topic counts). */
export function subscribedTopics(group: Group): Set<string> | undefined {
  if (group.protocolType !== 'consumer' || group.protocolName === null) return undefined;
  const topics = new Set<string>();
  for (const member of group.members.values()) {
    try {
      const reader = new Reader(group.metadataFor(member, group.protocolName));
      const version = reader.readInt16();
      // Later versions only add fields; read them as the newest we know, as Kafka does.
      const known = Math.min(version, ConsumerProtocolSubscription.highestVersion);
      for (const topic of ConsumerProtocolSubscription.decode(reader, known).topics) topics.add(topic);
    } catch {
      return undefined;
    }
  }
  return topics;
}
