// Operational routes: liveness, readiness (Redis reachable, every shard owned), Prometheus
// metrics and the cluster view for operators.
import { Effect } from "effect"
import { Hono } from "hono"
import { Gauge } from "prom-client"
import { ActorClient } from "../../runtime/actor-client.js"
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
