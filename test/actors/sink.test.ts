// The sink actor against real Redis and both real databases: redelivered batches write each row
// once, a stale fencing epoch writes nothing, and one bad message never fails its neighbours.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { SinkLive } from "../../src/actors/sink/index.js"
import { RecordBatch, RecordLedger, RecordOrders, RecordSignals, RecordTrades, Sink } from "../../src/actors/sink/protocol.js"
import { rowsOf } from "../../src/actors/sink/sink-rows.js"
import { makeSinkWriter } from "../../src/actors/sink/sink-writer.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { listDeadLetters } from "../../src/runtime/dead-letters.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { findOrder } from "../../src/storage/repos/orders.js"
import { checkEpoch } from "../../src/storage/repos/sink-epochs.js"
import { query, Sql } from "../../src/storage/sql.js"
import { backends, migrated } from "../support/database.js"
import { eventually } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { testCluster, testSettings } from "../runtime/test-cluster.js"
import { candlesBeside, expectedRecord, ledgerRows, orderRow, recordOf, signalRows, tradeRows } from "./fixtures/sink-data.js"

const SHARDS = 8

/** A node running the sink on the test's database, and a client. */
const sinkCluster = Effect.map(Sql, (sql) =>
  testCluster(
    testSettings(sharedRedisUrl, { shardCount: SHARDS, retryDelaysMs: [50, 100] }),
    sharedRedisUrl,
    SinkLive.pipe(Layer.provide(Layer.succeed(Sql, sql)))
  )
)

const symbolPrefix = () => `VIRAL/SA_SINK_${randomUUID().slice(0, 8).toUpperCase()}`

const count = (table: "ledger_entries" | "trend_metrics", column: string, value: string) =>
  Effect.map(
    query("sink test: count", (q) => q<Array<{ n: number }>>`select count(*)::int as n from ${q(table)} where ${q(column)} = ${value}`),
    ([row]) => row!.n
  )

for (const backend of backends) {
  describe(`sink on ${backend.name}`, () => {
    it.scopedLive(
      "the same batches delivered three times write each row once",
      () =>
        Effect.gen(function* () {
          const prefix = symbolPrefix()
          const symbol = `${prefix}_001`
          const trades = tradeRows(symbol, 0, 300)
          const orderId = `${symbol}:o1`
          const wallet = `u_${randomUUID().slice(0, 8)}`
          yield* Effect.gen(function* () {
            const client = yield* ActorClient
            const sink = Sink.ref("s3")
            const batches = [
              new RecordTrades({ trades }),
              new RecordOrders({ orders: [orderRow(orderId, symbol, 1, 0), orderRow(orderId, symbol, 3, 10)] }),
              new RecordLedger({ entries: ledgerRows(wallet, `${wallet}:fee1`) }),
              new RecordSignals({ samples: signalRows(symbol, 5) })
            ]
            // Twice, as a redelivery would; plus a late, older order update after the newer one.
            yield* client.sendAll(batches.map((b) => [sink, b] as const))
            yield* client.sendAll([...batches.map((b) => [sink, b] as const), [sink, new RecordOrders({ orders: [orderRow(orderId, symbol, 2, 5)] })]])
            // And a third time, all kinds in one message.
            const all = { trades, orders: [orderRow(orderId, symbol, 3, 10)], entries: ledgerRows(wallet, `${wallet}:fee1`), samples: signalRows(symbol, 5) }
            yield* client.send(sink, new RecordBatch(all))
            yield* awaitQuiescence(client.keys).pipe(Effect.provideService(RedisClient, yield* RedisClient))
          }).pipe(Effect.provide(yield* sinkCluster))

          assert.deepStrictEqual(yield* recordOf(prefix), expectedRecord(trades))
          const candles = yield* candlesBeside(prefix)
          assert.strictEqual(candles.stored.length, 2, "300 trades 250 ms apart span two minutes")
          assert.deepStrictEqual(candles.stored, candles.recomputed, "merged candles equal candles recomputed from the trades")
          const order = yield* findOrder(orderId)
          assert.strictEqual(order._tag === "Some" && order.value.version, 3n, "the newest version stays")
          assert.strictEqual(yield* count("ledger_entries", "wallet", wallet), 2)
          assert.strictEqual(yield* count("trend_metrics", "symbol", symbol), 5)
        }).pipe(Effect.provide(migrated(backend))),
      120_000
    )

    it.scopedLive(
      "a sink whose shard epoch is below the recorded one writes nothing and dead-letters the batch",
      () =>
        Effect.gen(function* () {
          const prefix = symbolPrefix()
          // A newer owner of every shard has written: this node's epochs are all lower.
          for (let shard = 0; shard < SHARDS; shard++) yield* checkEpoch({ shard, epoch: 1_000_000n })
          yield* Effect.gen(function* () {
            const client = yield* ActorClient
            const node = yield* ShardNode
            const redis = yield* RedisClient
            yield* client.send(Sink.ref("s1"), new RecordTrades({ trades: tradeRows(`${prefix}_001`, 0, 10) }))
            const letters = yield* eventually(
              Effect.map(
                Effect.forEach(Array.from({ length: SHARDS }, (_, s) => s), (s) => listDeadLetters(redis, node.keys, s)),
                (perShard) => perShard.flat()
              ),
              (found) => found.length === 1,
              "the dead letter"
            )
            assert.include(letters[0]!.reason, "below the recorded epoch")
          }).pipe(Effect.provide(yield* sinkCluster))
          assert.deepStrictEqual(yield* recordOf(prefix), expectedRecord([]))
        }).pipe(Effect.provide(migrated(backend))),
      120_000
    )

    it.scopedLive(
      "merged messages are written together, and a bad one fails alone",
      () =>
        Effect.gen(function* () {
          const prefix = symbolPrefix()
          const writer = yield* makeSinkWriter()
          const fence = { shard: 7, epoch: 1n }
          const good = Array.from({ length: 20 }, (_, i) => tradeRows(`${prefix}_${i}`, 0, 5))
          const bad = tradeRows(`${prefix}_BAD`, 0, 1).map((t) => ({ ...t, priceCents: 0 }))
          const outcomes = yield* Effect.forEach(
            [...good.slice(0, 10), bad, ...good.slice(10)],
            (trades) => Effect.either(writer.submit(fence, rowsOf(new RecordTrades({ trades }), fence))),
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(outcomes.map(Either.isRight), [...Array(10).fill(true), false, ...Array(10).fill(true)])
          assert.deepStrictEqual(yield* recordOf(prefix), expectedRecord(good.flat()))
          // A lower epoch for the same shard is refused from now on.
          const old = { shard: 7, epoch: 0n }
          const stale = yield* Effect.either(writer.submit(old, rowsOf(new RecordTrades({ trades: tradeRows(`${prefix}_X`, 0, 1) }), old)))
          assert.isTrue(Either.isLeft(stale) && stale.left._tag === "StaleEpoch")
          assert.strictEqual((yield* recordOf(`${prefix}_X`)).trades, 0)
        }).pipe(Effect.provide(migrated(backend))),
      120_000
    )

    it.scopedLive(
      "in a merged write of several shards, a fenced-out shard's messages fail and the others' are written",
      () =>
        Effect.gen(function* () {
          const prefix = symbolPrefix()
          yield* checkEpoch({ shard: 2, epoch: 5n })
          const writer = yield* makeSinkWriter({ concurrency: 1 })
          const fences = [{ shard: 1, epoch: 1n }, { shard: 2, epoch: 4n }, { shard: 3, epoch: 1n }]
          const outcomes = yield* Effect.forEach(
            Array.from({ length: 12 }, (_, i) => i),
            (i) => {
              const fence = fences[i % 3]!
              const trades = tradeRows(`${prefix}_S${fence.shard}`, i * 10, 10)
              return Effect.either(writer.submit(fence, rowsOf(new RecordTrades({ trades }), fence)))
            },
            { concurrency: "unbounded" }
          )
          assert.deepStrictEqual(
            outcomes.map((o) => (Either.isRight(o) ? "ok" : o.left._tag)),
            Array.from({ length: 12 }, (_, i) => (i % 3 === 1 ? "StaleEpoch" : "ok"))
          )
          assert.strictEqual((yield* recordOf(`${prefix}_S1`)).trades, 40)
          assert.strictEqual((yield* recordOf(`${prefix}_S2`)).trades, 0)
          assert.strictEqual((yield* recordOf(`${prefix}_S3`)).trades, 40)
        }).pipe(Effect.provide(migrated(backend))),
      120_000
    )
  })
}
