import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { Add, Counter, Get, Increment } from "./counter-actor.js"
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
})
