// DESIGN §2 "Ownership": a node whose renewals stop reaching Redis stops processing each shard
// at its local deadline, before Redis could let the lease go, so fencing stays the safety net.
// The renew connection alone is cut (a proxy drops its traffic) while the node's other
// connections work: nothing but its own clock stops it. The other node takes over.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { RedisClient } from "../../src/runtime/redis.js"
import { eventually } from "../support/eventually.js"
import { TestRedis } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { awaitBalanced, leaseHolders } from "./cluster-view.js"
import { clusterEnv, connectClient } from "./harness.js"
import { spawnNode } from "./node-processes.js"
import { startTcpProxy } from "./tcp-proxy.js"
import { makeWorkload } from "./workload.js"

const SHARDS = 8
const TTL = 3000

describe("a node whose renewals fail", () => {
  it.scopedLive("stops processing every shard before its lease can expire in Redis", () =>
    Effect.gen(function* () {
      const server = yield* TestRedis
      const env = clusterEnv({ redisUrl: server.url, shardCount: SHARDS, leaseTtlMs: TTL })
      const { client, redis, keys } = yield* connectClient(env)
      const proxy = yield* startTcpProxy(server.port)
      const cut = yield* spawnNode("n1", { ...env, REDIS_URL: proxy.url })
      const other = yield* spawnNode("n2", env)
      yield* Effect.forEach([cut, other], (n) => n.joined, { concurrency: "unbounded" })
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2"])

      const workload = makeWorkload(client, 100, 6)
      const load = yield* Effect.fork(Effect.forEach(Array.from({ length: 150 }, (_, i) => i), () => Effect.zipRight(workload.round(10), Effect.sleep(20)), { discard: true }))
      yield* Effect.sleep(300)

      const held = (yield* leaseHolders(redis, keys)).filter((h) => h.owner === "n1")
      assert.isNotEmpty(held)
      const seen = cut.output().length
      proxy.silence("renew")
      // From here no renewal reaches Redis: each lease expires at the latest now + its PTTL.
      const expiresAt = new Map<number, number>()
      for (const h of held) {
        const pttl = yield* redis.call("PTTL", (r) => r.pttl(keys.shard(h.shard).lease))
        expiresAt.set(h.shard, Date.now() + pttl)
      }
      const stoppedAt = new Map<number, number>()
      yield* eventually(
        Effect.sync(() => {
          const out = cut.output().slice(seen)
          for (const h of held) {
            if (!stoppedAt.has(h.shard) && new RegExp(`shard ${h.shard} at epoch ${h.epoch} stopped \\(lease-expired\\)`).test(out)) stoppedAt.set(h.shard, Date.now())
          }
          return stoppedAt.size
        }),
        (n) => n === held.length,
        "the cut-off node to stop its shards",
        TTL * 3
      )
      for (const h of held) {
        const margin = expiresAt.get(h.shard)! - stoppedAt.get(h.shard)!
        console.log(`shard ${h.shard}: stopped ${margin} ms before its lease could expire in Redis`)
        assert.isAbove(margin, 0, `shard ${h.shard} stopped before its lease could expire`)
      }
      // The other node takes every shard once the leases expire; nothing is lost or doubled.
      yield* eventually(leaseHolders(redis, keys), (hs) => hs.every((h) => h.owner === "n2"), "n2 to own every shard")
      yield* Fiber.join(load)
      yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
      yield* workload.verify
    }).pipe(Effect.provide(TestRedis.layer)),
    { timeout: 120_000 }
  )
})
