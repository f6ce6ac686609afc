// What Redis says about a running cluster (leases, epochs, the live set) and the assignment
// computed from it; waits poll these with a deadline (another process's state).
import { Effect } from "effect"
import { assignmentOf } from "../../src/runtime/assignment.js"
import type { Keys } from "../../src/runtime/keys.js"
import { readMembership } from "../../src/runtime/membership.js"
import type { RedisConnections } from "../../src/runtime/redis.js"
import { eventually } from "../support/eventually.js"

/** The lease holder (node id) and epoch of every shard, straight from the keys. */
export const leaseHolders = (redis: RedisConnections, keys: Keys) =>
  Effect.forEach(
    Array.from({ length: keys.shardCount }, (_, s) => s),
    (shard) =>
      redis.call("lease and epoch", async (r) => {
        const k = keys.shard(shard)
        const [lease, epoch] = await Promise.all([r.get(k.lease), r.get(k.epoch)])
        const owner = lease === null ? null : lease.split(":").slice(0, -2).join(":")
        return { shard, owner, epoch: Number(epoch ?? 0) }
      }),
    { concurrency: 16 }
  )

/** The live set, the lease holders and the assignment every node computes from that set. */
export const clusterView = (redis: RedisConnections, keys: Keys, leaseTtlMs: number) =>
  Effect.gen(function* () {
    const view = yield* readMembership(redis, keys)
    const holders = yield* leaseHolders(redis, keys)
    const assignment = assignmentOf(view, keys.shardCount, leaseTtlMs)
    return { view, holders, assignment, live: view.nodes.map((n) => n.nodeId).sort() }
  })

/** Waits until exactly `nodeIds` are live and eligible and every shard is held by its assigned node. */
export const awaitBalanced = (redis: RedisConnections, keys: Keys, leaseTtlMs: number, nodeIds: ReadonlyArray<string>, timeoutMs = 45_000) =>
  eventually(
    clusterView(redis, keys, leaseTtlMs),
    ({ holders, assignment, live }) =>
      live.join(",") === [...nodeIds].sort().join(",") &&
      assignment.every((owner) => owner !== undefined && nodeIds.includes(owner)) &&
      new Set(assignment).size === nodeIds.length &&
      holders.every((h) => h.owner === assignment[h.shard]),
    `shards balanced over ${nodeIds.join(", ")}`,
    timeoutMs
  )
