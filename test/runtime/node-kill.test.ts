import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { freshPrefix, TestRedis } from "../support/redis-server.js"
import { Counter, Forward, Get, Increment } from "./counter-actor.js"
import { spawnNode } from "./node-process.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"

const SHARDS = 8
const KEYS = 40

describe("a node killed with SIGKILL", () => {
  it.scopedLive("resumes after restart from snapshot and replay, with no message lost or doubled", () =>
      Effect.gen(function* () {
        const redisServer = yield* TestRedis
        const prefix = freshPrefix()
        const env = { REDIS_URL: redisServer.url, VIRALFX_PREFIX: prefix, VIRALFX_SHARDS: String(SHARDS), VIRALFX_LEASE_TTL_MS: "1000", VIRALFX_SNAPSHOT_EVERY: "20" }
        const clientLayer = ActorClient.layer.pipe(
          Layer.provideMerge(RuntimeConfig.layer({ redisUrl: Option.some(redisServer.url), prefix, shardCount: SHARDS })),
          Layer.provideMerge(RedisClient.layerUrl(redisServer.url))
        )
        const context = yield* Layer.build(clientLayer)
        const client = Context.get(context, ActorClient)
        const redis = Context.get(context, RedisClient)
        const expected = new Map<string, number>()
        const send = (round: number) =>
          Effect.gen(function* () {
            const messages = []
            for (let i = 0; i < 20; i++) {
              const key = `c${(round * 20 + i) % KEYS}`
              const target = `d${(round + i) % KEYS}`
              messages.push([Counter.ref(key), new Increment({ by: 1 })] as const, [Counter.ref(key), new Forward({ to: target, by: 2 })] as const)
              expected.set(key, (expected.get(key) ?? 0) + 1)
              expected.set(target, (expected.get(target) ?? 0) + 2)
            }
            yield* client.sendAll(messages)
          })

        const first = yield* spawnNode(env)
        yield* first.ready
        for (let round = 0; round < 50; round++) yield* send(round)
        // Kill while it still has work in flight.
        first.child.kill("SIGKILL")
        yield* first.exited
        for (let round = 50; round < 100; round++) yield* send(round)

        const second = yield* spawnNode(env)
        yield* second.ready
        for (let round = 100; round < 150; round++) yield* send(round)
        const keys = makeKeys(prefix, SHARDS)
        yield* awaitQuiescence(keys, 60_000).pipe(Effect.provideService(RedisClient, redis))
        for (const [key, count] of expected) {
          assert.strictEqual((yield* client.ask(Counter.ref(key), new Get())).count, count, key)
        }
        // The second node took over with new epochs.
        const epochs = yield* redis.call("epochs", (r) => Promise.all(Array.from({ length: SHARDS }, (_, s) => r.get(keys.shard(s).epoch))))
        assert.isTrue(epochs.every((e) => Number(e) >= 2))
      }).pipe(Effect.provide(TestRedis.layer)),
    { timeout: 120_000 }
  )
})
