// Redis connections as scoped resources: one for commands, and dedicated ones on demand for
// blocking reads and lease renewals (a blocking read holds its whole connection).
import { Context, Effect, Layer, Option } from "effect"
import { Redis } from "ioredis"
import { EmbeddedRedis } from "./embedded-redis.js"
import { RedisError, StartupRefused } from "./errors.js"
import { RuntimeConfig } from "./runtime-config.js"
import { runScript, type RedisLike, type ScriptName } from "./scripts.js"

/** The runtime's Redis access. */
export interface RedisConnections {
  readonly url: string
  /** The shared connection for commands and scripts. */
  readonly client: RedisLike
  /** A new dedicated connection, closed with the scope. */
  readonly dedicated: (name: string) => Effect.Effect<RedisLike, RedisError, import("effect").Scope.Scope>
  /** Runs a Lua script on the shared connection. */
  readonly script: (name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) => Effect.Effect<unknown, RedisError>
  /** Runs any ioredis call as an Effect whose error names the operation. */
  readonly call: <A>(operation: string, f: (redis: RedisLike) => Promise<A>) => Effect.Effect<A, RedisError>
}

const open = (url: string, name: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const redis = new Redis(url, {
          connectionName: name,
          lazyConnect: true,
          // The runtime re-sends itself where it must (commits answer ALREADY); bounded
          // retries keep a dead Redis from queueing commands forever.
          maxRetriesPerRequest: 20,
          enableAutoPipelining: false
        })
        // Errors surface through the failed commands; this keeps ioredis from logging them.
        redis.on("error", () => {})
        try {
          await redis.connect()
        } catch (error) {
          // Without this, ioredis keeps reconnecting in the background and the process never exits.
          redis.disconnect()
          throw error
        }
        return redis
      },
      catch: (cause) => new RedisError({ operation: `connect ${name} to ${url} (is Redis running there? set REDIS_URL, or run \`viralfx start\`)`, cause })
    }),
    (redis) => Effect.promise(() => redis.quit().catch(() => redis.disconnect()))
  )

/** The runtime's Redis connections. */
export class RedisClient extends Context.Tag("viralfx/runtime/RedisClient")<RedisClient, RedisConnections>() {
  /** Connects to `url`. */
  static readonly layerUrl = (url: string) => Layer.scoped(RedisClient, make(url))

  /** REDIS_URL when set, else a private redis-server started from PATH. */
  static readonly Default = Layer.scoped(
    RedisClient,
    Effect.gen(function* () {
      const config = yield* RuntimeConfig
      const url = Option.isSome(config.redisUrl)
        ? config.redisUrl.value
        : (yield* EmbeddedRedis.start({ dataDir: config.dataDir, port: config.embeddedRedisPort })).url
      return yield* make(url)
    })
  )

  /** REDIS_URL when set, else the private redis-server of a running `viralfx start` (tools). */
  static readonly Existing = Layer.scoped(
    RedisClient,
    Effect.gen(function* () {
      const config = yield* RuntimeConfig
      return yield* make(Option.getOrElse(config.redisUrl, () => `redis://127.0.0.1:${config.embeddedRedisPort}`))
    })
  )
}

const make = (url: string) =>
  Effect.gen(function* () {
    const client = yield* open(url, "viralfx")
    const call = <A>(operation: string, f: (redis: RedisLike) => Promise<A>) =>
      Effect.tryPromise({ try: () => f(client), catch: (cause) => new RedisError({ operation, cause }) })
    return RedisClient.of({
      url,
      client,
      dedicated: (name) => open(url, name),
      call,
      script: (name, keys, args) => call(`script ${name}`, (redis) => runScript(redis, name, keys, args))
    })
  })

/** Refuses a Redis that may evict keys: an evicted epoch, snapshot or cursor breaks every guarantee. */
export const requireNoEviction = Effect.gen(function* () {
  const redis = yield* RedisClient
  const info = yield* redis.call("INFO memory", (r) => r.info("memory"))
  const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1]
  if (policy !== "noeviction") {
    return yield* new StartupRefused({
      reason: `Redis maxmemory-policy is "${policy}", but ViralFX needs "noeviction" (an evicted lease epoch or snapshot would break its guarantees): run CONFIG SET maxmemory-policy noeviction`
    })
  }
})
