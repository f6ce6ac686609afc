import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { freshPrefix, TestRedis } from "../support/redis-server.js"
import { checkWalletsAgreeWithBooks, openMarkets, TRADERS, windDownAndCheck } from "./scenario.js"
import { settle } from "./trading-cluster.js"
import { spawnTradingNode } from "./trading-node.js"
import { workload } from "./workload.js"

const SHARDS = 8

describe("a trading node killed with SIGKILL", () => {
  it.scopedLive("every trade settles once for buyer and seller, wallets and books agree, and money and units are conserved", () =>
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
      const run = Effect.gen(function* () {
        const first = yield* spawnTradingNode({ ...env, NODE_ID: "first" })
        const second = yield* spawnTradingNode({ ...env, NODE_ID: "second" })
        yield* Effect.all([first.ready, second.ready], { concurrency: "unbounded" })
        const market = yield* openMarkets
        const rounds = workload(21, TRADERS, market.symbols, 60, 40, Date.now)
        for (const batch of rounds.slice(0, 30)) yield* client.sendAll(batch())
        // Kill one node while both still have work in flight; the other takes its shards over.
        first.child.kill("SIGKILL")
        yield* first.exited
        for (const batch of rounds.slice(30, 45)) yield* client.sendAll(batch())
        // A restarted node joins and gets its share back.
        const third = yield* spawnTradingNode({ ...env, NODE_ID: "third" })
        for (const batch of rounds.slice(45)) yield* client.sendAll(batch())
        yield* third.ready
        yield* settle
        yield* checkWalletsAgreeWithBooks(market)
        const trades = yield* windDownAndCheck(market)
        assert.isAbove(trades, 20)
        // The killed node's shards were taken over under new epochs.
        const epochs = yield* redis.call("epochs", (r) => Promise.all(Array.from({ length: SHARDS }, (_, s) => r.get(client.keys.shard(s).epoch))))
        assert.isTrue(epochs.some((e) => Number(e) >= 2), `epochs ${epochs.join(",")}`)
      })
      yield* run.pipe(Effect.provideService(ActorClient, client), Effect.provideService(RedisClient, redis))
    }).pipe(Effect.provide(TestRedis.layer)),
    { timeout: 240_000 }
  )
})
