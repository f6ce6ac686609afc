// Strict replication (DESIGN §2 "With replicas"): with VIRALFX_COMMIT_REPLICAS=n, a shard's
// commit is not exposed (no reply, no relay to other shards) until n replicas hold it, so a
// Redis failover cannot take back what somebody was told. `WAIT` covers the writes of the
// connection it runs on, so it runs on the connection that sent the commit: the shared one, or
// on a Redis Cluster that connection's link to the master of the shard's slot.
import { Effect } from "effect"
import { Cluster, type Redis } from "ioredis"
import { hashSlot } from "./hash-slot.js"
import type { ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import { ShardLost } from "./commit.js"

/** One WAIT's timeout: short, since the shared connection carries other shards' commands meanwhile. */
const WAIT_SLICE_MS = 100

/** The connection that carries the shard's commands to its master. */
const connectionFor = (redis: RedisConnections, keys: ShardKeys): Redis | undefined => {
  if (!(redis.client instanceof Cluster)) return redis.client
  const tag = /\{([^}]*)\}/.exec(keys.inbox)?.[1] ?? ""
  const master = redis.client.slots[hashSlot(tag)]?.[0]
  return redis.client.nodes("master").find((node) => `${node.options.host}:${node.options.port}` === master)
}

/**
 * True once `replicas` replicas acknowledged every write sent so far on the shard's connection;
 * false when `deadline()` passes first. Asks again meanwhile: strict, not best effort.
 */
export const replicated = (redis: RedisConnections, keys: ShardKeys, replicas: number, deadline: () => number) =>
  Effect.gen(function* () {
    for (;;) {
      if (Date.now() >= deadline()) return false
      const connection = connectionFor(redis, keys)
      // No master known for the slot (the cluster client is refreshing its map): look again shortly.
      if (connection === undefined) yield* Effect.sleep(WAIT_SLICE_MS)
      else if ((yield* redis.call("WAIT replicas", () => connection.wait(replicas, WAIT_SLICE_MS))) >= replicas) return true
    }
  })

/** For an owned shard: nothing is exposed before the replicas have it; past the lease the shard is given up. */
export const awaitReplicas = (redis: RedisConnections, keys: ShardKeys, replicas: number, deadline: () => number) =>
  Effect.flatMap(replicated(redis, keys, replicas, deadline), (held) =>
    held ? Effect.void : Effect.fail(new ShardLost({ shard: keys.shard, reason: "lease-expired" }))
  )
