// ctx.sendMerged: reports sent to one target while one batch is applied arrive merged (a bounded
// number to a message) after the commit; a handler that throws leaves no report behind; reports
// to an effectful actor pinned to the sender's own shard become its jobs in the sender's commit.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeActorKind } from "../../src/runtime/actor.js"
import { makeAddress, shardLocalKey, shardOf, type Address } from "../../src/runtime/address.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { until } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "./test-cluster.js"

class Tally extends Schema.TaggedClass<Tally>()("Tally", { values: Schema.Array(Schema.Int) }) {}
const Collector = makeActorKind("collector", Tally)

class Report extends Schema.TaggedClass<Report>()("Report", { value: Schema.Int, explode: Schema.Boolean }) {}
const Reporter = makeActorKind("reporter", Report)

const merge = (into: Tally, next: Tally) => new Tally({ values: [...into.values, ...next.values] })

/** Reporters that each report their value to one collector; a collector that keeps what it got. */
const layers = (collectorKey: (shard: number) => string = () => "all") => {
  const received: Array<ReadonlyArray<number>> = []
  const collector = Collector.toEffectLayer({ Tally: (m) => Effect.sync(() => void received.push(m.values)) })
  const reporters = Reporter.toLayer<number>({
    initial: () => 0,
    handlers: {
      Report: (n, m, ctx) => {
        ctx.sendMerged(Collector.ref(collectorKey(ctx.shard)), new Tally({ values: [m.value] }), merge)
        if (m.explode) throw new Error("boom")
        return n + 1
      }
    }
  })
  return { received, layer: Layer.merge(collector, reporters) }
}

describe("merged sends", () => {
  it.scopedLive("reports of one batch reach their target merged, at most 32 to a message, in order", () => {
    const { received, layer } = layers()
    return Effect.gen(function* () {
      const client = yield* ActorClient
      // One append to the reporter's shard: one inbox entry, so one applied batch.
      yield* client.sendAll(Array.from({ length: 40 }, (_, i) => [Reporter.ref("r1"), new Report({ value: i, explode: false })] as const))
      yield* until(() => received.flat().length === 40, "every report")
      assert.deepStrictEqual(received, [Array.from({ length: 32 }, (_, i) => i), Array.from({ length: 8 }, (_, i) => 32 + i)])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl, layer)))
  })

  it.scopedLive("a handler that throws sends no report; its neighbours' reports still arrive", () => {
    const { received, layer } = layers()
    return Effect.gen(function* () {
      const client = yield* ActorClient
      yield* client.sendAll([1, 2, 3].map((value) => [Reporter.ref("r2"), new Report({ value, explode: value === 2 })] as const))
      yield* until(() => received.flat().length >= 2, "the reports")
      // Another batch after it: had the thrown report leaked, it would show up now at the latest.
      yield* client.sendAll([[Reporter.ref("r2"), new Report({ value: 4, explode: false })] as const])
      yield* until(() => received.flat().includes(4), "the last report")
      assert.deepStrictEqual(received.flat().sort(), [1, 3, 4])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl, layer)))
  })

  it.scopedLive("reports to a collector pinned to the reporter's shard become its jobs in the reporter's commit", () => {
    const { received, layer } = layers(shardLocalKey)
    return Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const redis = yield* RedisClient
      const reporter = makeAddress("reporter", "r3") as Address
      const shard = shardOf(reporter, node.keys.shardCount)
      assert.strictEqual(shardOf(makeAddress("collector", shardLocalKey(shard)) as Address, node.keys.shardCount), shard, "the collector lives on the reporter's shard")

      yield* client.sendAll(Array.from({ length: 5 }, (_, i) => [Reporter.ref("r3"), new Report({ value: i, explode: false })] as const))
      yield* until(() => received.flat().length === 5, "every report")

      assert.deepStrictEqual(received.flat(), [0, 1, 2, 3, 4])
      const keys = node.keys.shard(shard)
      const [outbox, inbox] = yield* redis.call("XRANGE", (r) => Promise.all([r.xrange(keys.outbox, "-", "+"), r.xrange(keys.inbox, "-", "+")]))
      assert.deepStrictEqual(outbox, [], "nothing went through the outbox")
      assert.isFalse(inbox.some(([, fields]) => fields.join().includes('"k":"collector"')), "nor through the inbox")
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl), sharedRedisUrl, layer)))
  })
})
