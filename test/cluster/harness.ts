// Shared wiring of the cluster tests: settings passed to node processes as environment, and an
// in-test client (send, ask, Redis) on the same cluster.
import { Context, Effect, Layer, Option } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { freshPrefix } from "../support/redis-server.js"

/** One test cluster's settings. */
export interface ClusterSettings {
  readonly redisUrl: string
  readonly shardCount: number
  readonly leaseTtlMs: number
  readonly snapshotEvery?: number
}

/** The environment of `viralfx node` / `viralfx status` for these settings, under a fresh prefix. */
export const clusterEnv = (settings: ClusterSettings, prefix = freshPrefix("c")) => ({
  REDIS_URL: settings.redisUrl,
  VIRALFX_PREFIX: prefix,
  VIRALFX_SHARDS: String(settings.shardCount),
  VIRALFX_LEASE_TTL_MS: String(settings.leaseTtlMs),
  VIRALFX_SNAPSHOT_EVERY: String(settings.snapshotEvery ?? 50)
})

/** A client and a Redis connection on the cluster in `env`, for the scope. */
export const connectClient = (env: ReturnType<typeof clusterEnv>) =>
  Effect.gen(function* () {
    const shardCount = Number(env.VIRALFX_SHARDS)
    const layer = ActorClient.layer.pipe(
      Layer.provideMerge(RuntimeConfig.layer({ redisUrl: Option.some(env.REDIS_URL), prefix: env.VIRALFX_PREFIX, shardCount })),
      Layer.provideMerge(RedisClient.layerUrl(env.REDIS_URL))
    )
    const context = yield* Layer.build(layer)
    return {
      client: Context.get(context, ActorClient),
      redis: Context.get(context, RedisClient),
      keys: makeKeys(env.VIRALFX_PREFIX, shardCount),
      leaseTtlMs: Number(env.VIRALFX_LEASE_TTL_MS)
    }
  })
