// Issue 3, tests 2 and 6: a fourth node joins a running three-node cluster and takes about S/N
// shards (exactly those rendezvous hashing gives it, and no others move); then a node stopped
// with SIGTERM hands its shards off (final snapshot, release) instead of letting leases expire.
// No increment is lost or doubled throughout.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { assignShards } from "../../src/runtime/assignment.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { TestRedis } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { awaitBalanced, leaseHolders } from "./cluster-view.js"
import { clusterEnv, connectClient } from "./harness.js"
import { spawnNode } from "./node-processes.js"
import { checkStatusAgainstRedis } from "./status-check.js"
import { makeWorkload, timeUntilServing } from "./workload.js"

const SHARDS = 16
const TTL = 1500

describe("a cluster that changes size", () => {
  it.scopedLive("a joining node takes only its rendezvous share, and a node stopped with SIGTERM hands off; nothing lost or doubled", () =>
    Effect.gen(function* () {
      const env = clusterEnv({ redisUrl: (yield* TestRedis).url, shardCount: SHARDS, leaseTtlMs: TTL })
      const { client, redis, keys } = yield* connectClient(env)
      const first = yield* Effect.all(["n1", "n2", "n3"].map((id) => spawnNode(id, env)))
      yield* Effect.forEach(first, (n) => n.joined, { concurrency: "unbounded" })
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2", "n3"])
      const before = yield* leaseHolders(redis, keys)

      const workload = makeWorkload(client, 300, 2)
      const load = yield* Effect.fork(Effect.forEach(Array.from({ length: 200 }, (_, i) => i), () => Effect.zipRight(workload.round(), Effect.sleep(15)), { discard: true }))

      // A fourth node joins mid-run; it gets shards only after two TTLs in the live set.
      const fourth = yield* spawnNode("n4", env)
      yield* fourth.joined
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2", "n3", "n4"])
      const after = yield* leaseHolders(redis, keys)
      const moved = after.filter((h) => h.owner !== before[h.shard]!.owner).map((h) => h.shard)
      const won = assignShards(SHARDS, ["n1", "n2", "n3", "n4"]).flatMap((owner, shard) => (owner === "n4" ? [shard] : []))
      console.log(`join: ${moved.length} of ${SHARDS} shards moved to the new node (S/N = ${SHARDS / 4})`)
      assert.deepStrictEqual(moved, won, "exactly the shards the newcomer wins move, and only to it")
      assert.isTrue(moved.every((s) => after[s]!.owner === "n4"))
      assert.isTrue(moved.length >= 1 && moved.length <= SHARDS / 2, "about S/N shards move")

      // SIGTERM: n1 leaves the live set, finishes its batches, snapshots and releases.
      const leaving = first[0]!
      const handed = after.filter((h) => h.owner === "n1").map((h) => h.shard)
      const stoppedAt = Date.now()
      leaving.child.kill("SIGTERM")
      const servedMs = yield* timeUntilServing(client, handed, SHARDS, stoppedAt)
      const code = yield* leaving.exited
      console.log(`hand-off: ${handed.length} shard(s) of the stopped node served again after ${servedMs} ms (a lease expiry would take ${TTL} ms)`)
      assert.strictEqual(code, 0, leaving.output())
      assert.include(leaving.output(), "leaving n1")
      const atExit = yield* leaseHolders(redis, keys)
      assert.isTrue(atExit.every((h) => h.owner !== "n1"), "the stopped node released every lease before exiting")

      yield* Fiber.join(load)
      yield* awaitBalanced(redis, keys, TTL, ["n2", "n3", "n4"])
      yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
      yield* workload.verify
      yield* checkStatusAgainstRedis(env, redis, keys)
    }).pipe(Effect.provide(TestRedis.layer)),
    { timeout: 120_000 }
  )
})
