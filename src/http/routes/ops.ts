// Operational routes: liveness, readiness (Redis reachable, every shard owned), Prometheus
// metrics and the cluster view for operators.
import { Effect } from "effect"
import { Hono } from "hono"
import { Gauge } from "prom-client"
import { Book } from "../../actors/book/protocol.js"
import { GetMarkets, Listing, LISTING_KEY } from "../../actors/listing/protocol.js"
import { ActorClient } from "../../runtime/actor-client.js"
import { feedBounds, feedStreamKey } from "../../runtime/feed-stream.js"
import { readClusterStatus } from "../../runtime/cluster-status.js"
import { RedisClient } from "../../runtime/redis.js"
import type { RouteDoc } from "../api-docs.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import type { EdgeMetrics } from "../metrics.js"
import { runHandler } from "../run.js"

/** Operations of this sub-app, for the OpenAPI document. */
export const opsDocs: ReadonlyArray<RouteDoc> = [
  { method: "get", path: "/healthz", tag: "ops", summary: "Liveness", responses: { 200: "the process serves" } },
  { method: "get", path: "/readyz", tag: "ops", summary: "Readiness: Redis reachable and every shard owned", responses: { 200: "ready", 503: "not ready" } },
  { method: "get", path: "/metrics", tag: "ops", summary: "Prometheus metrics", responses: { 200: "text exposition format" } },
  { method: "get", path: "/admin/cluster", tag: "admin", summary: "Cluster status: nodes, shard owners, epochs, lag", auth: "operator", responses: { 200: "cluster status", 401: "no token", 403: "not an operator" } }
]

const clusterStatus = Effect.gen(function* () {
  const redis = yield* RedisClient
  const client = yield* ActorClient
  return yield* readClusterStatus(redis, client.keys)
})

/** Trades per listed market, read from the newest entry of each book's trades feed. */
const tradesPerMarket = Effect.gen(function* () {
  const client = yield* ActorClient
  const markets = yield* client.ask(Listing.ref(LISTING_KEY), new GetMarkets())
  return yield* Effect.forEach(
    markets,
    (m) => Effect.map(feedBounds(feedStreamKey(client.keys, { kind: Book.name, key: m.symbol }, "trades")), (b) => [m.symbol, b.newest?.seq ?? 0] as const),
    { concurrency: 16 }
  )
})

/** `/healthz`, `/readyz`, `/metrics`, `/admin/cluster`. */
export const opsRoutes = (runtime: EdgeRuntime, metrics: EdgeMetrics) => {
  new Gauge({
    name: "viralfx_shard_inbox_lag",
    help: "Inbox entries not yet read by the shard's owner",
    labelNames: ["shard"] as const,
    registers: [metrics.registry],
    async collect() {
      const status = await runtime.runPromise(Effect.option(clusterStatus))
      if (status._tag === "None") return
      for (const shard of status.value.shards) this.set({ shard: String(shard.shard) }, shard.lag ?? shard.inboxLength)
    }
  })
  new Gauge({
    name: "viralfx_trades",
    help: "Trades each market has printed: the newest seq of its book's trades feed (gapless, so a count)",
    labelNames: ["symbol"] as const,
    registers: [metrics.registry],
    async collect() {
      const counts = await runtime.runPromise(Effect.option(tradesPerMarket))
      if (counts._tag === "None") return
      for (const [symbol, trades] of counts.value) this.set({ symbol }, trades)
    }
  })
  return new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const status = await runtime.runPromise(Effect.either(clusterStatus))
      if (status._tag === "Left") return c.json({ status: "unavailable", reason: "redis unreachable" }, 503)
      const unowned = status.right.shards.filter((s) => s.owner === null).map((s) => s.shard)
      if (unowned.length > 0) return c.json({ status: "unavailable", reason: "shards without an owner", shards: unowned }, 503)
      return c.json({ status: "ready", nodes: status.right.nodes })
    })
    .get("/metrics", async (c) => c.body(await metrics.registry.metrics(), 200, { "Content-Type": metrics.registry.contentType }))
    .get("/admin/cluster", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          yield* requireRole(yield* authenticateRequest(c), "operator")
          return c.json(yield* clusterStatus)
        })
      )
    )
}
