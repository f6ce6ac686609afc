// Operational routes: liveness, readiness (Redis reachable, shards owned) and the cluster view.
import { Effect } from "effect"
import { Hono } from "hono"
import { readClusterStatus } from "../../runtime/cluster-status.js"
import { RedisClient } from "../../runtime/redis.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { ActorClient } from "../../runtime/actor-client.js"

/** `/healthz`, `/readyz`, `/status`. */
export const opsRoutes = (runtime: EdgeRuntime) =>
  new Hono()
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .get("/readyz", async (c) => {
      const status = await runtime.runPromise(
        Effect.gen(function* () {
          const redis = yield* RedisClient
          const client = yield* ActorClient
          return yield* readClusterStatus(redis, client.keys)
        }).pipe(Effect.either)
      )
      if (status._tag === "Left") return c.json({ status: "unavailable", reason: "redis unreachable" }, 503)
      const unowned = status.right.shards.filter((s) => s.owner === null).map((s) => s.shard)
      if (unowned.length > 0) return c.json({ status: "unavailable", reason: "shards without an owner", shards: unowned }, 503)
      return c.json({ status: "ready", nodes: status.right.nodes })
    })
    .get("/status", async (c) => {
      const status = await runtime.runPromise(
        Effect.gen(function* () {
          const redis = yield* RedisClient
          const client = yield* ActorClient
          return yield* readClusterStatus(redis, client.keys)
        }).pipe(Effect.orDie)
      )
      return c.json(status)
    })
