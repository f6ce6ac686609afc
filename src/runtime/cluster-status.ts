// The operator's view of a cluster, read from Redis alone: live nodes, shard owners and
// epochs, inbox length, consumer-group lag and pending counts, dead letters (`viralfx status`).
import { Effect } from "effect"
import { eligibleNodes } from "./assignment.js"
import { GROUP, type Keys } from "./keys.js"
import { readMembership } from "./membership.js"
import type { RedisConnections } from "./redis.js"

/** One shard's row. */
export interface ShardStatus {
  readonly shard: number
  /** Node id of the lease holder, or null when unowned. */
  readonly owner: string | null
  readonly epoch: number
  readonly inboxLength: number
  /** Entries not yet read by the group (null when Redis cannot tell). */
  readonly lag: number | null
  /** Entries read but not committed. */
  readonly pending: number
  readonly deadLetters: number
  readonly applied: string
}

/** One node: from the live set, or a lease holder that is no longer in it (dead, paused). */
export interface NodeStatus {
  readonly nodeId: string
  /** Shards whose lease it holds. */
  readonly shards: number
  /** In the live set (heartbeating). */
  readonly live: boolean
  /** May own shards (a newcomer waits two lease TTLs). */
  readonly eligible: boolean
  /** When it joined the live set (ms since the epoch, Redis clock), null when not live. */
  readonly joinedAt: number | null
  /** Time left until it counts as dead unless it heartbeats (ms), null when not live. */
  readonly expiresInMs: number | null
}

/** The whole cluster. */
export interface ClusterStatus {
  readonly prefix: string
  readonly shardCount: number
  readonly nodes: ReadonlyArray<NodeStatus>
  readonly shards: ReadonlyArray<ShardStatus>
  readonly deadLetters: number
}

const groupField = (group: ReadonlyArray<unknown>, name: string) => group[group.indexOf(name) + 1]

/** Reads the status of every shard. */
export const readClusterStatus = (redis: RedisConnections, keys: Keys, leaseTtlMs = 3000) =>
  Effect.gen(function* () {
    const view = yield* readMembership(redis, keys)
    const eligible = new Set(eligibleNodes(view, leaseTtlMs).map((n) => n.nodeId))
    const shards = yield* Effect.forEach(
      Array.from({ length: keys.shardCount }, (_, s) => s),
      (shard) =>
        redis.call(`status of shard ${shard}`, async (r): Promise<ShardStatus> => {
          const k = keys.shard(shard)
          const [lease, epoch, inboxLength, deadLetters, applied] = await Promise.all([
            r.get(k.lease),
            r.get(k.epoch),
            r.xlen(k.inbox),
            r.xlen(k.deadLetters),
            r.hget(k.state, "applied")
          ])
          const groups = (await r.xinfo("GROUPS", k.inbox).catch(() => [])) as Array<Array<unknown>>
          const group = groups.find((g) => groupField(g, "name") === GROUP)
          const lag = group === undefined ? inboxLength : groupField(group, "lag")
          return {
            shard,
            owner: lease === null ? null : lease.slice(0, lease.lastIndexOf(":", lease.lastIndexOf(":") - 1)),
            epoch: Number(epoch ?? 0),
            inboxLength,
            lag: typeof lag === "number" ? lag : null,
            pending: group === undefined ? 0 : Number(groupField(group, "pending")),
            deadLetters,
            applied: applied ?? "0-0"
          }
        }),
      { concurrency: 16 }
    )
    const owners = new Map<string, number>()
    for (const s of shards) if (s.owner !== null) owners.set(s.owner, (owners.get(s.owner) ?? 0) + 1)
    const nodes = new Map<string, NodeStatus>()
    for (const n of view.nodes) {
      nodes.set(n.nodeId, { nodeId: n.nodeId, shards: owners.get(n.nodeId) ?? 0, live: true, eligible: eligible.has(n.nodeId), joinedAt: n.joinedAt, expiresInMs: n.deadline - view.now })
    }
    for (const [nodeId, count] of owners) {
      if (!nodes.has(nodeId)) nodes.set(nodeId, { nodeId, shards: count, live: false, eligible: false, joinedAt: null, expiresInMs: null })
    }
    return {
      prefix: keys.prefix,
      shardCount: keys.shardCount,
      nodes: [...nodes.values()].sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
      shards,
      deadLetters: shards.reduce((n, s) => n + s.deadLetters, 0)
    } satisfies ClusterStatus
  })

/** Renders the status as a table for a terminal. */
export const formatClusterStatus = (status: ClusterStatus): string => {
  const lines = [
    `cluster "${status.prefix}": ${status.shardCount} shards, ${status.nodes.length} node(s), ${status.deadLetters} dead letter(s)`,
    ...status.nodes.map(
      (n) =>
        `  node ${n.nodeId}: ${n.shards} shard(s), ${n.live ? `live${n.eligible ? "" : " (joining: gets shards after two lease TTLs)"}, heartbeat due within ${n.expiresInMs} ms` : "NOT live (dead or paused: its leases expire on their own)"}`
    ),
    "",
    "shard  owner                 epoch   inbox     lag  pending  dead"
  ]
  for (const s of status.shards) {
    lines.push(
      `${String(s.shard).padStart(5)}  ${(s.owner ?? "-").padEnd(20).slice(0, 20)}  ${String(s.epoch).padStart(5)}  ${String(s.inboxLength).padStart(6)}  ${String(s.lag ?? "?").padStart(6)}  ${String(s.pending).padStart(7)}  ${String(s.deadLetters).padStart(4)}`
    )
  }
  return lines.join("\n")
}
