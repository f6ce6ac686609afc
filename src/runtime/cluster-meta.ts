// Cluster metadata fixed at creation: the shard count. Nodes and edges started with another
// count refuse to start, since they would route keys to the wrong shards.
import { Effect } from "effect"
import { StartupRefused } from "./errors.js"
import type { Keys } from "./keys.js"
import type { RedisConnections } from "./redis.js"

/** Creates the cluster's metadata, or refuses a process started with another shard count. */
export const ensureShardCount = (redis: RedisConnections, keys: Keys) =>
  Effect.gen(function* () {
    yield* redis.call("HSETNX meta", (r) => r.hsetnx(keys.meta, "shardCount", keys.shardCount))
    const stored = Number(yield* redis.call("HGET meta", (r) => r.hget(keys.meta, "shardCount")))
    if (stored !== keys.shardCount) {
      return yield* new StartupRefused({
        reason: `this cluster (prefix "${keys.prefix}") was created with ${stored} shards, but this process was started with ${keys.shardCount}: set VIRALFX_SHARDS=${stored}`
      })
    }
  })
