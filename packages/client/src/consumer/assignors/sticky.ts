import { type TopicPartition, tpKey } from '../consumer-record.js';
import type { GroupMember, PartitionAssignor } from './assignor.js';

/** Bound on balancing moves: each move strictly lowers the sum of squared counts, so this is never reached in practice. */
const MOVES_MAX = 1_000_000;

interface Claim {
  memberId: string;
  generationId: number;
  contested: boolean;
}

function compareTp(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/**
 * Who validly owned each partition before this rebalance: a member subscribed to
 * the topic claims it; the higher generation wins, and two claims of the same
 * generation cancel out (Kafka drops such a partition from both owners).
 */
export function previousOwners(
  members: readonly GroupMember[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, string> {
  const claims = new Map<string, Claim>();
  for (const m of members) {
    const generationId = m.generationId ?? -1;
    for (const tp of m.ownedPartitions ?? []) {
      const count = partitionsPerTopic.get(tp.topic);
      if (count === undefined || tp.partition < 0 || tp.partition >= count || !m.topics.includes(tp.topic)) continue;
      const key = tpKey(tp.topic, tp.partition);
      const existing = claims.get(key);
      if (existing === undefined || existing.generationId < generationId) {
        claims.set(key, { memberId: m.memberId, generationId, contested: false });
      } else if (existing.generationId === generationId && existing.memberId !== m.memberId) {
        existing.contested = true;
      }
    }
  }
  const owners = new Map<string, string>();
  for (const [key, claim] of claims) if (!claim.contested) owners.set(key, claim.memberId);
  return owners;
}

/**
 * Kafka's sticky assignment goals, in order: (1) balanced — no partition can
 * move to a subscribed member that has at least two fewer partitions than its
 * owner (with equal subscriptions: counts differ by at most one); (2) sticky —
 * a partition stays with its previous owner unless balance needs it to move.
 */
export function stickyAssignment(
  members: readonly GroupMember[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): Map<string, TopicPartition[]> {
  const sorted = [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
  const owned = new Map<string, Map<string, TopicPartition>>(sorted.map((m) => [m.memberId, new Map()]));
  const subscribers = new Map<string, GroupMember[]>();
  for (const m of sorted) {
    for (const topic of new Set(m.topics)) {
      if (!partitionsPerTopic.has(topic)) continue;
      subscribers.set(topic, [...(subscribers.get(topic) ?? []), m]);
    }
  }
  const owners = previousOwners(members, partitionsPerTopic);
  const unassigned: TopicPartition[] = [];
  for (const topic of [...subscribers.keys()].sort()) {
    for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
      const key = tpKey(topic, partition);
      const owner = owners.get(key);
      if (owner !== undefined) owned.get(owner)!.set(key, { topic, partition });
      else unassigned.push({ topic, partition });
    }
  }
  const countOf = (memberId: string) => owned.get(memberId)!.size;
  const leastLoaded = (candidates: readonly GroupMember[]): GroupMember => {
    let best = candidates[0]!;
    for (const c of candidates) if (countOf(c.memberId) < countOf(best.memberId)) best = c;
    return best;
  };
  // Partitions with the fewest possible owners first, so the flexible ones fill the gaps.
  unassigned.sort((a, b) => subscribers.get(a.topic)!.length - subscribers.get(b.topic)!.length || compareTp(a, b));
  for (const tp of unassigned) {
    owned.get(leastLoaded(subscribers.get(tp.topic)!).memberId)!.set(tpKey(tp.topic, tp.partition), tp);
  }
  // Balance: move one partition at a time from a fuller member to a subscribed member with two or more fewer.
  for (let moves = 0; moves < MOVES_MAX; moves++) {
    const move = findMove(sorted, owned, subscribers, owners, countOf, leastLoaded);
    if (move === null) break;
    owned.get(move.from)!.delete(move.key);
    owned.get(move.to)!.set(move.key, move.tp);
  }
  const out = new Map<string, TopicPartition[]>();
  for (const m of sorted) out.set(m.memberId, [...owned.get(m.memberId)!.values()].sort(compareTp));
  return out;
}

function findMove(
  sorted: readonly GroupMember[],
  owned: Map<string, Map<string, TopicPartition>>,
  subscribers: Map<string, GroupMember[]>,
  owners: Map<string, string>,
  countOf: (memberId: string) => number,
  leastLoaded: (candidates: readonly GroupMember[]) => GroupMember,
): { from: string; to: string; key: string; tp: TopicPartition } | null {
  const byLoad = [...sorted].sort((a, b) => countOf(b.memberId) - countOf(a.memberId));
  for (const from of byLoad) {
    // Prefer moving partitions this member did not own before (keeps previous owners sticky).
    const entries = [...owned.get(from.memberId)!].sort(
      ([ka], [kb]) => Number(owners.get(ka) === from.memberId) - Number(owners.get(kb) === from.memberId),
    );
    for (const [key, tp] of entries) {
      const target = leastLoaded(subscribers.get(tp.topic)!);
      if (countOf(target.memberId) < countOf(from.memberId) - 1)
        return { from: from.memberId, to: target.memberId, key, tp };
    }
  }
  return null;
}

/** Kafka's StickyAssignor (eager: all partitions are revoked before each rebalance, then mostly given back). */
export const stickyAssignor: PartitionAssignor = {
  name: 'sticky',
  rebalanceProtocol: 'eager',
  assign: stickyAssignment,
};

/**
 * Kafka's CooperativeStickyAssignor: the sticky assignment, minus every
 * partition that changes owner. Its previous owner revokes it and rejoins; the
 * follow-up rebalance hands it to its new owner (KIP-429).
 */
export const cooperativeStickyAssignor: PartitionAssignor = {
  name: 'cooperative-sticky',
  rebalanceProtocol: 'cooperative',
  assign(members, partitionsPerTopic) {
    const target = stickyAssignment(members, partitionsPerTopic);
    const owners = previousOwners(members, partitionsPerTopic);
    const out = new Map<string, TopicPartition[]>();
    for (const [memberId, tps] of target) {
      out.set(
        memberId,
        tps.filter((tp) => {
          const owner = owners.get(tpKey(tp.topic, tp.partition));
          return owner === undefined || owner === memberId;
        }),
      );
    }
    return out;
  },
};
