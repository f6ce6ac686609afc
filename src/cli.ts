// `viralfx <command>`: argv -> which layer to launch. start = everything in one process on
// embedded defaults; node and edge = the pieces of a real cluster (a node writes the record
// through its sink: DATABASE_URL or the embedded PGlite); status and dead-letters are operator tools.
import { NodeRuntime } from "@effect/platform-node"
import { Cause, ConfigError, Console, Effect, Layer, Option } from "effect"
import { ActorsLive } from "./actors/index.js"
import { Listing, LISTING_KEY, ListTrend } from "./actors/listing/protocol.js"
import { AuthConfigFromEnv, DatabaseConfig, EdgeConfig } from "./config.js"
import { serveEdge } from "./http/edge-server.js"
import { ActorClient } from "./runtime/actor-client.js"
import { formatClusterStatus, readClusterStatus } from "./runtime/cluster-status.js"
import { listDeadLetters, replayDeadLetter } from "./runtime/dead-letters.js"
import { makeKeys } from "./runtime/keys.js"
import { RedisClient } from "./runtime/redis.js"
import { ActorRegistry } from "./runtime/registry.js"
import { RuntimeConfig } from "./runtime/runtime-config.js"
import { ShardNode } from "./runtime/shard-node.js"
import { migrateLayer } from "./storage/migrate.js"
import { Sql } from "./storage/sql.js"

const usage = `usage: viralfx <command>

  start                      edge + node on embedded defaults (private redis-server unless REDIS_URL)
  node                       run a shard node of the cluster at REDIS_URL until SIGTERM
  edge                       run the HTTP edge against the cluster at REDIS_URL
  status [--json]            nodes, shard owners, epochs, inbox length, lag, pending, dead letters
  dead-letters [shard]       list dead letters (of one shard, or all)
  dead-letters replay <shard> <id>
                             send a dead letter to its actor again (same idempotency key)

Configuration comes from the environment; see README.md.`

const base = Layer.mergeAll(RuntimeConfig.layerFromEnv, RedisClient.Default.pipe(Layer.provide(RuntimeConfig.layerFromEnv)))
/** Tools talk to a running cluster and never start a Redis of their own. */
const toolBase = Layer.mergeAll(RuntimeConfig.layerFromEnv, RedisClient.Existing.pipe(Layer.provide(RuntimeConfig.layerFromEnv)))
const node = ShardNode.layer.pipe(Layer.provide(ActorsLive), Layer.provide(ActorRegistry.layer))
const client = ActorClient.layer

const database = Layer.unwrapEffect(
  Effect.map(DatabaseConfig, (config) => migrateLayer().pipe(Layer.provideMerge(Sql.layerFor({ url: config.url, dataDir: config.dataDir }))))
)

const edge = Layer.scopedDiscard(
  Effect.gen(function* () {
    const options = yield* EdgeConfig
    const { port } = yield* serveEdge(options)
    yield* Console.log(`viralfx edge listening on http://${options.host}:${port} (API docs at /docs)`)
  })
)

/** What the edge needs besides the runtime. Built first: PGlite's start-up blocks the event loop. */
const edgeDependencies = Layer.mergeAll(database, AuthConfigFromEnv)

const announceNode = Layer.scopedDiscard(
  Effect.gen(function* () {
    const shards = yield* ShardNode
    yield* Console.log(`viralfx node ${shards.nodeId} joined (${shards.keys.shardCount} shards, prefix "${shards.keys.prefix}")`)
    // Runs first on SIGTERM; the node then leaves the live set and hands every shard off.
    yield* Effect.addFinalizer(() => Console.log(`viralfx node ${shards.nodeId} leaving: handing off ${shards.ownedShards().length} shard(s)`))
  })
)

/** The seeds' demo markets, listed at `viralfx start` (listing is idempotent by topic). */
const demoListings = Layer.effectDiscard(
  Effect.gen(function* () {
    const client = yield* ActorClient
    for (const topic of ["DJ Zinhle dance challenge", "Bitcoin price spike", "Springboks win"]) {
      const listed = yield* client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic }), { timeout: "30 seconds" })
      yield* Console.log(`market ${listed.symbol}${listed.created ? " listed" : " already listed"}`)
    }
  }).pipe(Effect.catchAll((error) => Effect.logWarning("demo listings skipped", error)))
)

const withBase = <A, E>(layer: Layer.Layer<A, E, RuntimeConfig | RedisClient>) => Layer.provide(layer, Layer.fresh(base))

const status = (json: boolean) =>
  Effect.gen(function* () {
    const settings = yield* RuntimeConfig
    const redis = yield* RedisClient
    const stored = yield* redis.call("HGET meta", (r) => r.hget(`${settings.prefix}:meta`, "shardCount"))
    const keys = makeKeys(settings.prefix, stored === null ? settings.shardCount : Number(stored))
    const result = yield* readClusterStatus(redis, keys, settings.leaseTtlMs)
    yield* Console.log(json ? JSON.stringify(result, null, 2) : formatClusterStatus(result))
  })

/** A command used wrongly: one line saying why, the usage, exit code 2, nothing done. */
const usageError = (why: string) =>
  Effect.zipRight(Console.error(`viralfx: ${why}\n\n${usage}`), Effect.sync(() => void (process.exitCode = 2)))

/** A shard number given on the command line, if it names one of the cluster's shards. */
const shardArgument = (text: string | undefined, shardCount: number): number | undefined => {
  const shard = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN
  return Number.isInteger(shard) && shard < shardCount ? shard : undefined
}

const deadLetters = (args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const redis = yield* RedisClient
    const shardCount = client.keys.shardCount
    if (args[0] === "replay") {
      const [shard, id] = [shardArgument(args[1], shardCount), args[2]]
      if (shard === undefined || id === undefined) return yield* usageError(`dead-letters replay needs a shard (0-${shardCount - 1}) and a dead letter's id`)
      const messageId = yield* replayDeadLetter(redis, client.keys, client, shard, id)
      return yield* Console.log(`replayed as message ${messageId}`)
    }
    const one = shardArgument(args[0], shardCount)
    if (args[0] !== undefined && one === undefined) return yield* usageError(`"${args[0]}" is not a shard of this cluster (0-${shardCount - 1})`)
    const shards = one === undefined ? Array.from({ length: shardCount }, (_, s) => s) : [one]
    for (const shard of shards) {
      for (const letter of yield* listDeadLetters(redis, client.keys, shard)) {
        yield* Console.log(`${shard} ${letter.id}  ${letter.reason}`)
      }
    }
  })

/** Exits with one clear line for configuration and startup errors instead of a stack trace. */
const explainFailure = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.catchAllCause((cause) => {
      const failure = Cause.failureOption(cause)
      const message = Option.isNone(failure)
        ? Cause.pretty(cause)
        : ConfigError.isConfigError(failure.value)
          ? `bad configuration: ${String(failure.value)}`
          : String((failure.value as { message?: string }).message ?? failure.value)
      return Effect.zipRight(Console.error(`viralfx: ${message}`), Effect.sync(() => (process.exitCode = 1)))
    })
  )

const [command, ...args] = process.argv.slice(2)
const program = (() => {
  switch (command) {
    case "start":
      return Layer.launch(
        withBase(Layer.mergeAll(edge, announceNode, demoListings).pipe(Layer.provide(Layer.merge(node, client)), Layer.provide(edgeDependencies)))
      )
    case "node":
      // The database first (PGlite's start-up blocks the event loop): the node's sink writes to it.
      return Layer.launch(withBase(announceNode.pipe(Layer.provide(node), Layer.provide(database))))
    case "edge":
      return Layer.launch(withBase(edge.pipe(Layer.provide(client), Layer.provide(edgeDependencies))))
    case "status":
      return status(args.includes("--json")).pipe(Effect.provide(toolBase))
    case "dead-letters":
      return deadLetters(args).pipe(Effect.provide(Layer.provideMerge(client, toolBase)))
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return Console.log(usage)
    default:
      return usageError(`unknown command "${command}"`)
  }
})()

NodeRuntime.runMain(explainFailure(program as Effect.Effect<unknown, unknown, never>), { disableErrorReporting: true })
