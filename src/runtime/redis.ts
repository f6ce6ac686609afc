// Redis connections as scoped resources: one for commands, and dedicated ones on demand for
// blocking reads and lease renewals (a blocking read holds its whole connection). The same
// code runs on one server or on a Redis Cluster (REDIS_URL listing several nodes, or
// REDIS_CLUSTER=1): every script touches the keys of one shard, which share one hash tag.
import { Config, Context, Effect, Layer, Option, type Scope } from "effect"
import { Cluster, Redis } from "ioredis"
import type { Socket } from "node:net"
import { EmbeddedRedis } from "./embedded-redis.js"
import { RedisError, StartupRefused } from "./errors.js"
import { RuntimeConfig } from "./runtime-config.js"
import { runScript, type RedisLike, type ScriptName } from "./scripts.js"

/** The runtime's Redis access. */
export interface RedisConnections {
  readonly url: string
  /** True on a Redis Cluster. */
  readonly cluster: boolean
  /** The shared connection for commands and scripts. */
  readonly client: RedisLike
  /** A new dedicated connection, closed with the scope. */
  readonly dedicated: (name: string) => Effect.Effect<RedisLike, RedisError, Scope.Scope>
  /** Runs a Lua script on the shared connection. */
  readonly script: (name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>) => Effect.Effect<unknown, RedisError>
  /** Runs any ioredis call as an Effect whose error names the operation. */
  readonly call: <A>(operation: string, f: (redis: RedisLike) => Promise<A>) => Effect.Effect<A, RedisError>
}

/**
 * A command unanswered this long fails (and the caller re-sends where it must): a dead
 * connection never holds a commit or renewal forever. Longer than any blocking read (<= 1 s).
 */
const COMMAND_TIMEOUT_MS = 5000

/** Where to connect: one server, or the seed nodes of a cluster. */
export interface RedisTarget {
  readonly url: string
  readonly cluster: boolean
}

/** `redis://a:1,redis://b:2` or `redis://a:1,b:2` lists cluster seed nodes; REDIS_CLUSTER=1 forces cluster mode. */
export const parseRedisTarget = (url: string, forceCluster = false): RedisTarget => ({
  url,
  cluster: forceCluster || url.includes(",")
})

const seedNodes = (url: string) =>
  url.split(",").map((part) => {
    const parsed = new URL(part.includes("://") ? part.trim() : `redis://${part.trim()}`)
    return { host: parsed.hostname, port: Number(parsed.port || 6379), username: parsed.username, password: parsed.password }
  })

/**
 * Sends the commands a connection is given in one turn of the event loop (the current callback
 * and the promise continuations it sets off) in one write: a commit and the read behind it, or
 * the commits of several shards answered by one read. On this kind of machine a write to a
 * loopback socket costs tens of microseconds in the writer and a wake-up in Redis, whatever its
 * size. Not ioredis's auto-pipelining: that builds a Pipeline per tick, which cost more CPU
 * than it saved (see `connect`).
 */
export const coalesceWrites = (socket: Socket) => {
  const write = socket.write.bind(socket) as (...args: Array<unknown>) => boolean
  let corked = false
  const flush = () => {
    corked = false
    socket.uncork()
  }
  socket.write = ((...args: Array<unknown>) => {
    if (!corked) {
      corked = true
      socket.cork()
      process.nextTick(flush)
    }
    return write(...args)
  }) as typeof socket.write
}

const connect = async (target: RedisTarget, name: string): Promise<RedisLike> => {
  let redis: RedisLike
  if (target.cluster) {
    const seeds = seedNodes(target.url)
    const auth = seeds[0]!
    redis = new Cluster(
      seeds.map(({ host, port }) => ({ host, port })),
      {
        lazyConnect: true,
        // Never batch EVALSHA across a slot move; reads go to the slot's master (XREAD BLOCK too).
        enableAutoPipelining: false,
        scaleReads: "master",
        maxRedirections: 16,
        retryDelayOnFailover: 100,
        retryDelayOnClusterDown: 100,
        retryDelayOnTryAgain: 100,
        slotsRefreshTimeout: 2000,
        redisOptions: {
          connectionName: name,
          maxRetriesPerRequest: 20,
          commandTimeout: COMMAND_TIMEOUT_MS,
          enableAutoPipelining: false,
          ...(auth.username ? { username: decodeURIComponent(auth.username) } : {}),
          ...(auth.password ? { password: decodeURIComponent(auth.password) } : {})
        }
      }
    )
  } else {
    redis = new Redis(target.url, {
      connectionName: name,
      lazyConnect: true,
      // The runtime re-sends itself where it must (commits answer ALREADY); bounded
      // retries keep a dead Redis from queueing commands forever.
      maxRetriesPerRequest: 20,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // No auto-pipelining: it wraps each tick's commands in a Pipeline object, which at
      // low concurrency (one ask, one commit at a time) costs more CPU than the writes it
      // saves. Measured with `bench runtime`'s asks (593 against 758 µs of CPU per ask) and
      // `bench trade` (2.0 against 2.2 ms per order).
      enableAutoPipelining: false
    })
  }
  // Errors surface through the failed commands; this keeps ioredis from logging them.
  redis.on("error", () => {})
  // Each reconnection brings a new socket. (A cluster's node connections are ioredis's own.)
  if (redis instanceof Redis) redis.on("connect", () => coalesceWrites(redis.stream as Socket))
  try {
    await redis.connect()
  } catch (error) {
    // Without this, ioredis keeps reconnecting in the background and the process never exits.
    redis.disconnect()
    throw error
  }
  return redis
}

const open = (target: RedisTarget, name: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => connect(target, name),
      catch: (cause) =>
        new RedisError({
          operation: target.cluster
            ? `connect ${name} to the Redis Cluster at ${target.url} (are these cluster nodes with cluster mode enabled? for one plain server, give one URL and unset REDIS_CLUSTER)`
            : `connect ${name} to ${target.url} (is Redis running there? set REDIS_URL, or run \`viralfx start\`)`,
          cause
        })
    }),
    (redis) => Effect.promise(() => redis.quit().then(() => undefined, () => redis.disconnect()))
  )

/** REDIS_CLUSTER=1 forces cluster mode for a single seed URL. */
const clusterFlag = Config.boolean("REDIS_CLUSTER").pipe(Config.withDefault(false))

/** The runtime's Redis connections. */
export class RedisClient extends Context.Tag("viralfx/runtime/RedisClient")<RedisClient, RedisConnections>() {
  /** Connects to `url` (a comma-separated list, or `cluster: true`, means a Redis Cluster). */
  static readonly layerUrl = (url: string, options: { readonly cluster?: boolean } = {}) =>
    Layer.scoped(RedisClient, make(parseRedisTarget(url, options.cluster)))

  /** REDIS_URL when set, else a private redis-server started from PATH. */
  static readonly Default = Layer.scoped(
    RedisClient,
    Effect.gen(function* () {
      const config = yield* RuntimeConfig
      const cluster = yield* clusterFlag
      const url = Option.isSome(config.redisUrl)
        ? config.redisUrl.value
        : (yield* EmbeddedRedis.start({ dataDir: config.dataDir, port: config.embeddedRedisPort })).url
      return yield* make(parseRedisTarget(url, cluster))
    })
  )

  /** REDIS_URL when set, else the private redis-server of a running `viralfx start` (tools). */
  static readonly Existing = Layer.scoped(
    RedisClient,
    Effect.gen(function* () {
      const config = yield* RuntimeConfig
      const cluster = yield* clusterFlag
      return yield* make(parseRedisTarget(Option.getOrElse(config.redisUrl, () => `redis://127.0.0.1:${config.embeddedRedisPort}`), cluster))
    })
  )
}

const make = (target: RedisTarget) =>
  Effect.gen(function* () {
    const client = yield* open(target, "viralfx")
    const call = <A>(operation: string, f: (redis: RedisLike) => Promise<A>) =>
      Effect.tryPromise({ try: () => f(client), catch: (cause) => new RedisError({ operation, cause }) })
    return RedisClient.of({
      url: target.url,
      cluster: target.cluster,
      client,
      dedicated: (name) => open(target, name),
      call,
      script: (name, keys, args) => call(`script ${name}`, (redis) => runScript(redis, name, keys, args))
    })
  })

/** Every master's INFO section (one server: just its own). */
const infoOfMasters = (redis: RedisLike, section: string): Promise<Array<string>> =>
  redis instanceof Cluster ? Promise.all(redis.nodes("master").map((node) => node.info(section))) : Promise.all([redis.info(section)])

/** Refuses a Redis that may evict keys: an evicted epoch, snapshot or cursor breaks every guarantee. */
export const requireNoEviction = Effect.gen(function* () {
  const redis = yield* RedisClient
  const infos = yield* redis.call("INFO memory", (r) => infoOfMasters(r, "memory"))
  for (const info of infos) {
    const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1]
    if (policy !== "noeviction") {
      return yield* new StartupRefused({
        reason: `Redis maxmemory-policy is "${policy}", but ViralFX needs "noeviction" (an evicted lease epoch or snapshot would break its guarantees): run CONFIG SET maxmemory-policy noeviction${redis.cluster ? " on every master" : ""}`
      })
    }
  }
})
