import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { shardOf } from "../../src/runtime/address.js"
import { listDeadLetters } from "../../src/runtime/dead-letters.js"
import { ActorFailure } from "../../src/runtime/errors.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { eventually } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { Counter, Explode, Get, Increment } from "./counter-actor.js"
import { testCluster, testSettings } from "./test-cluster.js"

const KEY = "victim"

/** Appends raw chunks to the inbox of `shard`, as a broken or hostile sender would. */
const appendRaw = (shard: number, ...chunks: Array<string>) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    const node = yield* ShardNode
    const keys = node.keys.shard(shard)
    const args = chunks.flatMap((chunk, i) => [`0-${i + 1}`, chunk])
    yield* redis.script("append-2", [keys.inbox, keys.senderSeqs], [`raw${Math.random()}`, 0, ...args])
  })

const deadLettersOf = (shard: number, count: number) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    const node = yield* ShardNode
    return yield* eventually(listDeadLetters(redis, node.keys, shard), (letters) => letters.length >= count, `${count} dead letters`)
  })

describe("dead letters", () => {
  it.scopedLive("malformed, misrouted, unknown and throwing messages are dead-lettered with reasons; state is unchanged and the shard goes on", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const shard = shardOf({ kind: "counter", key: KEY }, node.keys.shardCount)
      const keyOf = (kind: string, onShard: (s: number) => boolean) =>
        Array.from({ length: 200 }, (_, i) => `k${i}`).find((key) => onShard(shardOf({ kind, key }, node.keys.shardCount)))!
      const otherKey = keyOf("counter", (s) => s !== shard)
      const unknownKindKey = keyOf("nosuchkind", (s) => s === shard)
      yield* client.send(Counter.ref(KEY), new Increment({ by: 10 }))

      yield* appendRaw(
        shard,
        "not json at all",
        JSON.stringify([{ i: "m1", k: "counter" }]),
        JSON.stringify([{ i: "m2", k: "counter", a: otherKey, b: { _tag: "Increment", by: 1 } }]),
        JSON.stringify([{ i: "m3", k: "nosuchkind", a: unknownKindKey, b: {} }]),
        JSON.stringify([{ i: "m4", k: "counter", a: KEY, b: { _tag: "Increment", by: "lots" } }])
      )
      const thrown = yield* Effect.flip(client.ask(Counter.ref(KEY), new Explode()))
      assert.instanceOf(thrown, ActorFailure)
      assert.strictEqual((thrown as ActorFailure).reason, "defect")

      const letters = yield* deadLettersOf(shard, 6)
      const reasons = letters.map((l) => l.reason)
      assert.match(reasons[0]!, /^chunk is not JSON/)
      assert.match(reasons[1]!, /^malformed envelope/)
      assert.match(reasons[2]!, /^misrouted: counter\/k\d+ belongs to shard/)
      assert.match(reasons[3]!, /^unknown-kind/)
      assert.match(reasons[4]!, /^undecodable/)
      assert.strictEqual(reasons[5], "defect: boom")

      // The actor kept its state through all of it, and the shard still serves.
      yield* client.send(Counter.ref(KEY), new Increment({ by: 1 }))
      assert.strictEqual((yield* client.ask(Counter.ref(KEY), new Get())).count, 11)
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )

  it.scopedLive("a message the protocol refuses is never sent", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const exit = yield* Effect.exit(client.send(Counter.ref(KEY), new Increment({ by: 1.5 }, { disableValidation: true })))
      assert.isTrue(Exit.isFailure(exit))
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl)))
  )
})
