// Which live node owns which shard (DESIGN §2 "Ownership"): rendezvous (highest random weight)
// hashing over the eligible nodes, so every node computes the same answer from the same live
// set, and adding or removing one node moves only the shards it wins or held (about S/N).
import { fnv1a32 } from "./address.js"
import type { LiveNode, MembershipView } from "./membership.js"

/** murmur3's finaliser: FNV-1a alone mixes the last characters of similar strings poorly. */
const mix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** The weight of `nodeId` for `shard`: stable across processes and versions. */
export const rendezvousWeight = (shard: number, nodeId: string): number => mix(fnv1a32(`${shard}:${nodeId}`))

/** The owner of one shard among `nodeIds` (highest weight; ties by id), or undefined when none. */
export const ownerOf = (shard: number, nodeIds: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestWeight = -1
  for (const nodeId of nodeIds) {
    const weight = rendezvousWeight(shard, nodeId)
    if (weight > bestWeight || (weight === bestWeight && best !== undefined && nodeId < best)) {
      best = nodeId
      bestWeight = weight
    }
  }
  return best
}

/** The owner of every shard, indexed by shard. */
export const assignShards = (shardCount: number, nodeIds: ReadonlyArray<string>): ReadonlyArray<string | undefined> =>
  Array.from({ length: shardCount }, (_, shard) => ownerOf(shard, nodeIds))

/**
 * Nodes that may own shards. A newcomer waits until it has been live for two lease TTLs (so a
 * flapping process never drags shards around); the founders, which joined within that window
 * of the oldest live node, are eligible at once (a fresh cluster, or one node left alone).
 * Eligibility only grows while a node stays live, so the assignment never flaps back.
 */
export const eligibleNodes = (view: MembershipView, leaseTtlMs: number): ReadonlyArray<LiveNode> => {
  if (view.nodes.length === 0) return []
  const wait = 2 * leaseTtlMs
  const oldest = Math.min(...view.nodes.map((n) => n.joinedAt))
  return view.nodes.filter((n) => n.joinedAt <= oldest + wait || n.joinedAt + wait <= view.now)
}

/** The assignment every node computes from one view of the live set. */
export const assignmentOf = (view: MembershipView, shardCount: number, leaseTtlMs: number) =>
  assignShards(shardCount, [...new Set(eligibleNodes(view, leaseTtlMs).map((n) => n.nodeId))])
