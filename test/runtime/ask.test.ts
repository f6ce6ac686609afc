import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeAddress, shardOf, type Address } from "../../src/runtime/address.js"
import type { FaultHooks } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { Add, Counter, Get, Increment } from "./counter-actor.js"
import { eventually } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "./test-cluster.js"

describe("send and ask", () => {
  it.scopedLive("an asked actor replies with its state after earlier sends", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* (yield* ShardNode).awaitOwnership()
      yield* client.send(Counter.ref("a"), new Increment({ by: 2 }))
      yield* client.send(Counter.ref("a"), new Increment({ by: 3 }))
      const reply = yield* client.ask(Counter.ref("a"), new Get())
      assert.strictEqual(reply.count, 5)
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )

  it.scopedLive("a typed failure reaches the asker and changes nothing", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const exit = yield* Effect.exit(client.ask(Counter.ref("b"), new Add({ by: -1 })))
      assert.deepStrictEqual(exit, Exit.fail({ reason: "negative" }))
      assert.strictEqual(yield* client.ask(Counter.ref("b"), new Add({ by: 4 })), 4)
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )

  it.scopedLive("a reply reaches its asker even when the shard dies right after the commit that answered it", () => {
    // The answering shard's first commit is followed by a crash: its fibers stop before they
    // could send anything more, and the replayed shard does not answer a committed message again.
    const answering = shardOf(makeAddress("counter", "crash-after-answer") as Address, 8)
    const crashes = { count: 0 }
    const faults: FaultHooks = { crashAt: (at, shard) => at === "after-commit" && shard === answering && crashes.count++ === 0 }
    return Effect.gen(function* () {
      const client = yield* ActorClient
      yield* (yield* ShardNode).awaitOwnership()
      assert.strictEqual(yield* client.ask(Counter.ref("crash-after-answer"), new Add({ by: 7 }), { timeout: "3 seconds" }), 7)
      // The reply is visible with the commit, so it may arrive before the node's fiber reaches
      // the crash point just after it.
      assert.strictEqual(yield* eventually(Effect.sync(() => crashes.count), (n) => n > 0, "the crash after the commit"), 1, "the shard crashed after the commit")
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { faults }), sharedRedisUrl)))
  })
})
