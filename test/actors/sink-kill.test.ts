// A sink node process SIGKILLed while it writes, then restarted: no trade lost, none doubled,
// and the candles agree with the trades (DESIGN §7: kill tests run real node processes).
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"
import { RecordTrades, Sink } from "../../src/actors/sink/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { migrated, postgresBackend, TestDatabase } from "../support/database.js"
import { eventually } from "../support/eventually.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { candlesBeside, expectedRecord, recordOf, tradeRows } from "./fixtures/sink-data.js"
import { spawnSinkNode } from "./fixtures/sink-process.js"
import type { TradeRow } from "../../src/actors/sink/protocol.js"

const SHARDS = 8
const SYMBOLS = 16
const PER_MESSAGE = 25

describe("a sink node killed with SIGKILL mid-batch", () => {
  it.scopedLive(
    "restarts and leaves exactly the trades sent in PostgreSQL",
    () =>
      Effect.gen(function* () {
        const database = yield* TestDatabase
        const prefix = freshPrefix()
        const env = {
          REDIS_URL: sharedRedisUrl,
          DATABASE_URL: database.url!,
          VIRALFX_PREFIX: prefix,
          VIRALFX_SHARDS: String(SHARDS),
          VIRALFX_LEASE_TTL_MS: "1000",
          // A job the dead node claimed comes due again for the next one after this.
          VIRALFX_JOB_VISIBILITY_MS: "2000"
        }
        const context = yield* Layer.build(
          ActorClient.layer.pipe(
            Layer.provideMerge(RuntimeConfig.layer({ redisUrl: Option.some(sharedRedisUrl), prefix, shardCount: SHARDS })),
            Layer.provideMerge(RedisClient.layerUrl(sharedRedisUrl))
          )
        )
        const client = Context.get(context, ActorClient)
        const symbols = `VIRAL/SA_KILL_${randomUUID().slice(0, 8).toUpperCase()}`
        const sent: Array<TradeRow> = []
        const next = new Array<number>(SYMBOLS).fill(0)
        // Rounds of one message per symbol; each symbol always goes to the same sink.
        const send = (rounds: number) =>
          Effect.forEach(Array.from({ length: rounds }), () => {
            const messages = Array.from({ length: SYMBOLS }, (_, s) => {
              const trades = tradeRows(`${symbols}_${s}`, next[s]!, PER_MESSAGE)
              next[s]! += PER_MESSAGE
              sent.push(...trades)
              return [Sink.ref(`s${s % SHARDS}`), new RecordTrades({ trades })] as const
            })
            return client.sendAll(messages)
          }, { discard: true })

        const first = yield* spawnSinkNode(env)
        yield* first.ready
        yield* send(40)
        // Kill once it has written some rows but not all: transactions are in flight.
        yield* eventually(recordOf(symbols), (r) => r.trades > 0, "the first rows")
        first.child.kill("SIGKILL")
        yield* first.exited
        const atKill = (yield* recordOf(symbols)).trades
        yield* send(20)

        const second = yield* spawnSinkNode(env)
        yield* second.ready
        yield* send(20)
        const expected = expectedRecord(sent)
        yield* eventually(recordOf(symbols), (r) => r.trades === expected.trades, "every trade", 60_000)
        yield* awaitQuiescence(client.keys, 60_000).pipe(Effect.provideService(RedisClient, Context.get(context, RedisClient)))
        assert.isBelow(atKill, 40 * SYMBOLS * PER_MESSAGE, "killed before the first node had written everything")
        assert.deepStrictEqual(yield* recordOf(symbols), expected)
        const candles = yield* candlesBeside(symbols)
        assert.deepStrictEqual(candles.stored, candles.recomputed, "candles equal candles recomputed from the trades")
      }).pipe(Effect.provide(migrated(postgresBackend))),
    180_000
  )
})
