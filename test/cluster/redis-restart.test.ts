// Issue 3, test 4: Redis is killed and restarted (AOF on, same port, same data) while two nodes
// work. The nodes and the client reconnect, commands ioredis re-sends after the reconnect are
// harmless (commits answer ALREADY, appends are deduplicated by sender sequence), and nothing
// that was acknowledged is lost. appendfsync=always, so a kill -9 loses no acknowledged write;
// with everysec up to a second could go (README "Cluster").
import { describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Scope } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EmbeddedRedis } from "../../src/runtime/embedded-redis.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { awaitBalanced } from "./cluster-view.js"
import { clusterEnv, connectClient } from "./harness.js"
import { spawnNode } from "./node-processes.js"
import { makeWorkload } from "./workload.js"

const SHARDS = 16
const TTL = 1500

/** A redis-server in its own scope, so the test can kill it and start another on its data. */
const startServer = (dataDir: string, port?: number) =>
  Effect.gen(function* () {
    const scope = yield* Scope.make()
    const server = yield* EmbeddedRedis.start({ dataDir, appendfsync: "always", ...(port ? { port } : {}) }).pipe(Scope.extend(scope), Effect.orDie)
    return { server, scope }
  })

describe("a Redis restart", () => {
  it.scopedLive("nodes reconnect after Redis is killed and restarted mid-run, and nothing acknowledged is lost", () =>
    Effect.gen(function* () {
      const dataDir = mkdtempSync(join(tmpdir(), "vfx-restart-"))
      let current = yield* startServer(dataDir)
      yield* Effect.addFinalizer(() => Scope.close(current.scope, Exit.void))
      const env = clusterEnv({ redisUrl: current.server.url, shardCount: SHARDS, leaseTtlMs: TTL })
      const { client, redis, keys } = yield* connectClient(env)
      const nodes = yield* Effect.all(["n1", "n2"].map((id) => spawnNode(id, env)))
      yield* Effect.forEach(nodes, (n) => n.joined, { concurrency: "unbounded" })
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2"])

      const workload = makeWorkload(client, 300, 4)
      // Every round is acknowledged before the next: a send that fails would fail the test.
      const load = yield* Effect.fork(Effect.forEach(Array.from({ length: 150 }, (_, i) => i), () => Effect.zipRight(workload.round(), Effect.sleep(15)), { discard: true }))
      yield* Effect.sleep(800)

      process.kill(current.server.pid, "SIGKILL")
      yield* Scope.close(current.scope, Exit.void)
      current = yield* startServer(dataDir, current.server.port)

      yield* Fiber.join(load)
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2"])
      yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
      yield* workload.verify
    }),
    { timeout: 120_000 }
  )
})
