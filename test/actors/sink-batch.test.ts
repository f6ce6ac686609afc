// The sink's batch handler: a worker round's messages go to PostgreSQL as one group commit, and a
// poison message in the round fails alone (retried, then dead-lettered) while the others are stored once.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { SinkLive } from "../../src/actors/sink/index.js"
import { RecordTrades, Sink } from "../../src/actors/sink/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { listDeadLetters } from "../../src/runtime/dead-letters.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { Sql } from "../../src/storage/sql.js"
import { backends, migrated } from "../support/database.js"
import { eventually } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "../runtime/test-cluster.js"
import { candlesBeside, expectedRecord, recordOf, tradeRows } from "./fixtures/sink-data.js"

const SHARDS = 8

for (const backend of backends) {
  describe(`sink batches on ${backend.name}`, () => {
    it.scopedLive(
      "in a round with one poison message, the others are stored once and the poison one is retried, then dead-lettered",
      () =>
        Effect.gen(function* () {
          const prefix = `VIRAL/SA_SINKB_${randomUUID().slice(0, 8).toUpperCase()}`
          const good = Array.from({ length: 10 }, (_, i) => tradeRows(`${prefix}_${i}`, 0, 20))
          // A price of zero breaks the trades table's check: this message can never be written.
          const poison = tradeRows(`${prefix}_POISON`, 0, 1).map((t) => ({ ...t, priceCents: 0 }))
          const cluster = testCluster(
            testSettings(sharedRedisUrl, { shardCount: SHARDS, retryDelaysMs: [50, 100] }),
            sharedRedisUrl,
            SinkLive.pipe(Layer.provide(Layer.succeed(Sql, yield* Sql)))
          )
          const letters = yield* Effect.gen(function* () {
            const client = yield* ActorClient
            const node = yield* ShardNode
            const redis = yield* RedisClient
            const sink = Sink.ref("s2")
            // One send to one sink: one inbox entry, so its jobs are claimed in one round.
            const messages = [...good.slice(0, 5), poison, ...good.slice(5)].map((trades) => [sink, new RecordTrades({ trades })] as const)
            yield* client.sendAll(messages)
            const found = yield* eventually(
              Effect.map(
                Effect.forEach(Array.from({ length: SHARDS }, (_, s) => s), (s) => listDeadLetters(redis, node.keys, s)),
                (perShard) => perShard.flat()
              ),
              (letters) => letters.length > 0,
              "the dead letter"
            )
            yield* awaitQuiescence(client.keys).pipe(Effect.provideService(RedisClient, redis))
            return found
          }).pipe(Effect.provide(cluster))

          assert.strictEqual(letters.length, 1)
          assert.strictEqual(letters[0]!.attempts, 3)
          assert.include(letters[0]!.reason, "failed after 3 attempts")
          assert.deepStrictEqual((letters[0]!.envelope as { b: { trades: Array<{ tradeId: string }> } }).b.trades.map((t) => t.tradeId), poison.map((t) => t.tradeId))
          assert.deepStrictEqual(yield* recordOf(prefix), expectedRecord(good.flat()), "every good trade once, counted once in its candle")
          const candles = yield* candlesBeside(prefix)
          assert.deepStrictEqual(candles.stored, candles.recomputed)
        }).pipe(Effect.provide(migrated(backend))),
      120_000
    )
  })
}
