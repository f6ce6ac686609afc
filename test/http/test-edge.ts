// An edge app for tests: the real runtime client on the local Redis (fresh prefix), a fresh
// migrated PostgreSQL database, fixed auth secrets; requests go through `app.request`, no port.
import { Effect, Layer, ManagedRuntime, Option } from "effect"
import { AuthConfig } from "../../src/http/auth/principal.js"
import { makeApp, type AppOptions } from "../../src/http/app.js"
import type { EdgeServices } from "../../src/http/edge-runtime.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { ActorRegistry } from "../../src/runtime/registry.js"
import { ActorsLive, ActorsWithoutRecordLive } from "../../src/actors/index.js"
import type { Sql } from "../../src/storage/sql.js"
import { migrated, postgresBackend } from "../support/database.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

export const ADMIN_TOKEN = "test-admin-token-0123456789"
export const SIGNAL_TOKEN = "test-signal-token-0123456789"

/** The services of a test edge. */
export const testEdgeServices = (
  settings = RuntimeConfig.layer({ redisUrl: Option.some(sharedRedisUrl), prefix: freshPrefix(), shardCount: 8 }),
  database: Layer.Layer<Sql, unknown> = migrated(postgresBackend),
  redisUrl = sharedRedisUrl
) =>
  Layer.mergeAll(
    ActorClient.layer.pipe(Layer.provideMerge(Layer.merge(settings, RedisClient.layerUrl(redisUrl)))),
    database,
    Layer.succeed(AuthConfig, { jwtSecret: new TextEncoder().encode("test-secret"), tokenTtlSeconds: 600, adminToken: ADMIN_TOKEN, signalToken: SIGNAL_TOKEN })
  ) as Layer.Layer<EdgeServices, unknown>

/**
 * The edge's services plus a node running every actor of the exchange, on one prefix. With
 * `record`, the node's sink writes to the edge's database (the read models fill as in production).
 * `redisUrl` (several URLs: a Redis Cluster) replaces the shared local Redis.
 */
export const testExchangeServices = (options: { readonly record?: boolean; readonly redisUrl?: string } = {}) => {
  const redisUrl = options.redisUrl ?? sharedRedisUrl
  const settings = RuntimeConfig.layer({ redisUrl: Option.some(redisUrl), prefix: freshPrefix(), shardCount: 8, leaseTtlMs: 3000 })
  // One layer value: built once, shared by the edge and the node's sink.
  const database = migrated(postgresBackend)
  const actors = options.record ? ActorsLive.pipe(Layer.provide(database)) : ActorsWithoutRecordLive
  const node = ShardNode.layer.pipe(Layer.provide(actors), Layer.provide(ActorRegistry.layer), Layer.provide(Layer.merge(settings, RedisClient.layerUrl(redisUrl))))
  return Layer.merge(testEdgeServices(settings, database, redisUrl), node)
}

/** Builds an app for the scope (on the given services); disposes its runtime afterwards. */
export const testEdge = (options: AppOptions = {}, services: Layer.Layer<EdgeServices, unknown> = testEdgeServices()) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const runtime = ManagedRuntime.make(Layer.orDie(services))
      await runtime.runtime()
      return { runtime, app: makeApp(runtime, options) }
    }),
    ({ runtime }) => Effect.promise(() => runtime.dispose())
  )

/** Sends a request to the app (no port). */
export const call = (app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> }, path: string, init?: RequestInit) =>
  Effect.promise(() => Promise.resolve(app.request(path, init)))

/** A JSON request. */
export const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body)
})
