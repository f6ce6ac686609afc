import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { shardOf } from "../../src/runtime/address.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { eventually } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { Counter, Get, Increment, Later } from "./counter-actor.js"
import { testCluster, testSettings } from "./test-cluster.js"

describe("timers and feeds", () => {
  it.scopedLive("a scheduled message is delivered to its actor once it is due", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* client.send(Counter.ref("t"), new Later({ delayMs: 200, by: 5 }))
      const reply = yield* eventually(client.ask(Counter.ref("t"), new Get()), (r) => r.count === 5, "the timer")
      assert.strictEqual(reply.count, 5)
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )

  it.scopedLive("a feed carries every event once, with gapless per-stream sequence numbers", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const redis = yield* RedisClient
      for (let i = 1; i <= 50; i++) yield* client.send(Counter.ref("f"), new Increment({ by: 1 }))
      const feed = node.keys.shard(shardOf({ kind: "counter", key: "f" }, node.keys.shardCount)).feed("counter/f:count")
      const entries = yield* eventually(redis.call("XRANGE feed", (r) => r.xrange(feed, "-", "+")), (e) => e.length >= 50, "50 feed events")
      assert.deepStrictEqual(entries.map(([, fields]) => Number(fields[1])), Array.from({ length: 50 }, (_, i) => i + 1))
      assert.deepStrictEqual(entries.map(([, fields]) => JSON.parse(fields[3]!).count), Array.from({ length: 50 }, (_, i) => i + 1))
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )
})
