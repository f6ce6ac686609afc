// Issue 3, tests 5 and 6 on a Redis Cluster: the workload of the failover test on three masters
// started by the test. Every script touches one shard's keys, which share one hash tag, so no
// CROSSSLOT; the result is the same: exactly once, and the killed node's shards serve again.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { hashSlot } from "../../src/runtime/hash-slot.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { awaitBalanced, leaseHolders } from "./cluster-view.js"
import { clusterEnv, connectClient } from "./harness.js"
import { spawnNode } from "./node-processes.js"
import { startRedisCluster } from "./redis-cluster-server.js"
import { checkStatusAgainstRedis } from "./status-check.js"
import { makeWorkload, timeUntilServing } from "./workload.js"

const SHARDS = 16
const TTL = 1500
const SLACK_MS = 1000

describe("on a three-master Redis Cluster", () => {
  it.scopedLive("three nodes lose one to SIGKILL: every increment exactly once, shards spread over every master", () =>
    Effect.gen(function* () {
      const env = clusterEnv({ redisUrl: yield* startRedisCluster, shardCount: SHARDS, leaseTtlMs: TTL })
      const { client, redis, keys } = yield* connectClient(env)
      assert.isTrue(redis.cluster)
      // The shards' tags spread over the masters' slot ranges (5461 slots each).
      const tags = Array.from({ length: SHARDS }, (_, s) => /\{(.+)\}/.exec(keys.shard(s).inbox)![1]!)
      assert.strictEqual(new Set(tags.map((tag) => Math.floor(hashSlot(tag) / 5462))).size, 3)

      const nodes = yield* Effect.all(["n1", "n2", "n3"].map((id) => spawnNode(id, env)))
      yield* Effect.forEach(nodes, (n) => n.joined, { concurrency: "unbounded" })
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2", "n3"])

      const workload = makeWorkload(client, 300, 5)
      const load = yield* Effect.fork(Effect.forEach(Array.from({ length: 120 }, (_, i) => i), () => Effect.zipRight(workload.round(), Effect.sleep(15)), { discard: true }))
      yield* Effect.sleep(600)
      const victim = nodes[2]!
      const lost = (yield* leaseHolders(redis, keys)).filter((h) => h.owner === victim.nodeId).map((h) => h.shard)
      const killedAt = Date.now()
      victim.child.kill("SIGKILL")
      const failoverMs = yield* timeUntilServing(client, lost, SHARDS, killedAt)
      console.log(`failover on Redis Cluster: ${lost.length} shard(s) served again after ${failoverMs} ms (target ${TTL + TTL / 3} ms)`)
      assert.isAtMost(failoverMs, TTL + TTL / 3 + SLACK_MS)

      yield* Fiber.join(load)
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2"])
      yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
      yield* workload.verify
      yield* checkStatusAgainstRedis(env, redis, keys)
      for (const node of nodes) assert.notInclude(node.output(), "CROSSSLOT", node.nodeId)
    }),
    { timeout: 120_000 }
  )
})
