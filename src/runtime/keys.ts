// Every Redis key the runtime uses, built in one place (STYLE "all key names in one module").
// A shard's keys share its hash tag, so one script can change them atomically on a Redis Cluster.
import { shardTags } from "./hash-slot.js"

/** The keys of one shard. */
export interface ShardKeys {
  readonly shard: number
  /** Inbox stream, read through the consumer group `GROUP`. */
  readonly inbox: string
  /** Lease string `nodeId:epoch:nonce`, with a TTL. */
  readonly lease: string
  /** Fencing epoch, INCRed by every acquisition, never expires. */
  readonly epoch: string
  /** Hash: applied (last committed inbox ID), version (behaviour version of that commit). */
  readonly state: string
  /** Hash: actor id -> snapshot. */
  readonly snapshots: string
  /** Outbox stream: one entry per commit, one field per target. */
  readonly outbox: string
  /** Relay cursor: the last outbox ID delivered to every target. */
  readonly relayCursor: string
  /** Sorted set of timers due by Redis TIME (ms). */
  readonly timers: string
  /** Sorted set of effectful job ids by due time (at-least-once work with retries). */
  readonly jobs: string
  /** Hash of effectful jobs' JSON by id: claims and finishes move ids, not payloads. */
  readonly jobData: string
  /** Hash: sender id -> highest sequence appended to this inbox. */
  readonly senderSeqs: string
  /** Dead-letter stream. */
  readonly deadLetters: string
  /** The feed stream of one writer on this shard. */
  readonly feed: (name: string) => string
}

/** The consumer group every shard inbox is read through. */
export const GROUP = "g"

/** Key names under one prefix (tests use a fresh prefix each). */
export interface Keys {
  readonly prefix: string
  readonly shardCount: number
  /** Cluster metadata hash: shardCount, createdAt. */
  readonly meta: string
  /** Live nodes, as a sorted set of heartbeat deadlines. */
  readonly nodes: string
  readonly shard: (shard: number) => ShardKeys
  /** The reply stream of one edge instance. */
  readonly replies: (edgeId: string) => string
}

/** Builds the key table for a prefix and shard count. */
export const makeKeys = (prefix: string, shardCount: number): Keys => {
  const tags = shardTags(shardCount)
  const shards = tags.map((tag, shard): ShardKeys => {
    const base = `${prefix}:{${tag}}`
    return {
      shard,
      inbox: `${base}:in`,
      lease: `${base}:lease`,
      epoch: `${base}:epoch`,
      state: `${base}:state`,
      snapshots: `${base}:snap`,
      outbox: `${base}:out`,
      relayCursor: `${base}:relay`,
      timers: `${base}:timers`,
      jobs: `${base}:jobs`,
      jobData: `${base}:jobdata`,
      senderSeqs: `${base}:seqs`,
      deadLetters: `${base}:dlq`,
      feed: (name) => `${base}:feed:${name}`
    }
  })
  return {
    prefix,
    shardCount,
    meta: `${prefix}:meta`,
    nodes: `${prefix}:nodes`,
    shard: (shard) => {
      const keys = shards[shard]
      if (keys === undefined) throw new RangeError(`shard ${shard} is outside 0..${shardCount - 1}`)
      return keys
    },
    replies: (edgeId) => `${prefix}:reply:{${edgeId}}`
  }
}
