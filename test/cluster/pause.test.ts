// Issue 3, test 3: a node paused (SIGSTOP) past its lease loses its shards to the others; on
// SIGCONT it finds its leases gone and stops them without committing (local deadline, with
// fencing behind it), then rejoins the live set as a newcomer and, two TTLs later, gets its
// share of the new assignment back. No increment is lost or doubled.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { readMembership } from "../../src/runtime/membership.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { eventually } from "../support/eventually.js"
import { TestRedis } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { awaitBalanced, leaseHolders } from "./cluster-view.js"
import { clusterEnv, connectClient } from "./harness.js"
import { spawnNode } from "./node-processes.js"
import { makeWorkload } from "./workload.js"

const SHARDS = 16
const TTL = 1500

describe("a paused node", () => {
  it.scopedLive("a node paused past its lease has its late work rejected and rejoins as a follower of the new assignment", () =>
    Effect.gen(function* () {
      const env = clusterEnv({ redisUrl: (yield* TestRedis).url, shardCount: SHARDS, leaseTtlMs: TTL })
      const { client, redis, keys } = yield* connectClient(env)
      const nodes = yield* Effect.all(["n1", "n2", "n3"].map((id) => spawnNode(id, env)))
      yield* Effect.forEach(nodes, (n) => n.joined, { concurrency: "unbounded" })
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2", "n3"])

      const workload = makeWorkload(client, 300, 3)
      const load = yield* Effect.fork(Effect.forEach(Array.from({ length: 150 }, (_, i) => i), () => Effect.zipRight(workload.round(), Effect.sleep(15)), { discard: true }))
      yield* Effect.sleep(300) // under way

      const paused = nodes[1]!
      const before = yield* leaseHolders(redis, keys)
      const its = before.filter((h) => h.owner === "n2")
      const joinedBefore = (yield* readMembership(redis, keys)).nodes.find((n) => n.nodeId === "n2")!.joinedAt
      paused.child.kill("SIGSTOP")
      // Past its lease: every one of its shards is taken by another node at a higher epoch.
      yield* eventually(
        leaseHolders(redis, keys),
        (holders) => its.every((h) => holders[h.shard]!.owner !== null && holders[h.shard]!.owner !== "n2" && holders[h.shard]!.epoch > h.epoch),
        "the paused node's shards taken over"
      )
      const outputBefore = paused.output().length
      paused.child.kill("SIGCONT")

      // It notices at once that its leases are gone and stops those shards without committing.
      yield* eventually(
        Effect.sync(() => paused.output().slice(outputBefore)),
        (out) => its.every((h) => new RegExp(`shard ${h.shard} at epoch ${h.epoch} stopped \\((lease-expired|fenced)\\)`).test(out)),
        "the paused node to drop its stale shards"
      )
      // It rejoins as a newcomer (its member lapsed) and gets its share after two TTLs.
      const rejoined = yield* eventually(readMembership(redis, keys), (v) => v.nodes.some((n) => n.nodeId === "n2"), "n2 back in the live set")
      assert.isAbove(rejoined.nodes.find((n) => n.nodeId === "n2")!.joinedAt, joinedBefore, "it rejoined as a newcomer")
      yield* Fiber.join(load)
      yield* awaitBalanced(redis, keys, TTL, ["n1", "n2", "n3"])
      assert.isNotEmpty((yield* leaseHolders(redis, keys)).filter((h) => h.owner === "n2"))
      yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
      yield* workload.verify
    }).pipe(Effect.provide(TestRedis.layer)),
    { timeout: 120_000 }
  )
})
