import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { Counter, Get, Pass, Record } from "./counter-actor.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { testCluster, testSettings } from "./test-cluster.js"

const SENDERS = 6
const PER_SENDER = 150
const ACTORS = ["a", "b", "c"]

describe("ordering", () => {
  it.scopedLive("each actor sees every sender's messages once and in the order sent", () =>
    Effect.gen(function* () {
      const settings = testSettings(sharedRedisUrl)
      const cluster = yield* Layer.build(testCluster(settings, sharedRedisUrl))
      const node = Effect.runSync(Effect.provide(ShardNode, cluster))
      // Independent clients are independent senders, each with its own sequence numbers.
      yield* Effect.forEach(
        Array.from({ length: SENDERS }, (_, s) => s),
        (s) =>
          Effect.gen(function* () {
            const client = yield* ActorClient
            for (let i = 0; i < PER_SENDER; i++) {
              yield* client.send(Counter.ref(ACTORS[i % ACTORS.length]!), new Record({ tag: `${s}:${i}` }))
            }
          }).pipe(Effect.provide(ActorClient.layer.pipe(Layer.provide(Layer.mergeAll(settings, RedisClient.layerUrl(sharedRedisUrl)))))),
        { concurrency: "unbounded" }
      )
      yield* awaitQuiescence(node.keys).pipe(Effect.provide(cluster))
      const client = Effect.runSync(Effect.provide(ActorClient, cluster))
      for (const actor of ACTORS) {
        const { seen } = yield* client.ask(Counter.ref(actor), new Get())
        for (let s = 0; s < SENDERS; s++) {
          const fromSender = seen.filter((t) => t.startsWith(`${s}:`)).map((t) => Number(t.split(":")[1]))
          const expected = Array.from({ length: PER_SENDER }, (_, i) => i).filter((i) => ACTORS[i % ACTORS.length] === actor)
          assert.deepStrictEqual(fromSender, expected, `actor ${actor}, sender ${s}`)
        }
      }
    })
  )

  it.scopedLive("messages from one actor to another arrive in the order they were sent", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const tags = Array.from({ length: 60 }, (_, i) => `m${i}`)
      yield* client.sendAll(tags.map((tag) => [Counter.ref("relay"), new Pass({ to: "target", tag })] as const))
      yield* awaitQuiescence(node.keys)
      const { seen } = yield* client.ask(Counter.ref("target"), new Get())
      assert.deepStrictEqual(seen, tags)
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )
})
