// Wiring for runtime tests: one node and one client on a given Redis, under a fresh prefix.
import { Layer, Option } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ActorRegistry } from "../../src/runtime/registry.js"
import { RuntimeConfig, type RuntimeSettings } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { CounterLive } from "./counter-actor.js"
import { freshPrefix } from "../support/redis-server.js"

/** Settings for a test node; small shard count and fast leases unless overridden. */
export const testSettings = (redisUrl: string, options: Partial<RuntimeSettings> = {}) =>
  RuntimeConfig.layer({ redisUrl: Option.some(redisUrl), prefix: freshPrefix(), shardCount: 8, leaseTtlMs: 1500, ...options })

/** A node running `behaviours` and a client, sharing the settings. */
export const testCluster = (
  settings: Layer.Layer<RuntimeConfig>,
  redisUrl: string,
  behaviours: Layer.Layer<never, never, ActorRegistry> = CounterLive
) => {
  const base = Layer.mergeAll(settings, RedisClient.layerUrl(redisUrl))
  const node = ShardNode.layer.pipe(Layer.provide(behaviours), Layer.provideMerge(ActorRegistry.layer))
  return Layer.mergeAll(node, ActorClient.layer).pipe(Layer.provideMerge(base))
}
