// The record never holds trading back: with the database gone, orders still match and settle,
// and the sink's rows wait in dead letters (after their retries); once the database is back,
// replaying them writes the same record as if it had never been away.
import { assert, describe, it } from "@effect/vitest"
import { Config, Effect } from "effect"
import postgres from "postgres"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { listDeadLetters, replayDeadLetter } from "../../src/runtime/dead-letters.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { migrate } from "../../src/storage/migrate.js"
import { migrated, postgresBackend, TestDatabase } from "../support/database.js"
import { checkLedger, checkOrders, checkTrades, recordingCluster } from "./record-checks.js"
import { openMarkets, TRADERS, windDownAndCheck } from "./scenario.js"
import { settle } from "./trading-cluster.js"
import { workload } from "./workload.js"

/** Runs one statement on the admin database of the test server (creating and dropping databases). */
const admin = (statement: (sql: postgres.Sql, name: string) => Promise<unknown>) =>
  Effect.gen(function* () {
    const database = yield* TestDatabase
    const url = new URL(database.url!)
    const name = url.pathname.slice(1)
    const adminUrl = yield* Effect.orDie(Config.string("TEST_DATABASE_URL").pipe(Config.withDefault("postgres://postgres@127.0.0.1:5432/test")))
    yield* Effect.promise(async () => {
      const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await statement(sql, name)
      } finally {
        await sql.end({ timeout: 5 })
      }
    })
  })

describe("the sink while PostgreSQL is away", () => {
  it.scopedLive(
    "trading settles without the database, and replayed dead letters complete the record",
    () =>
      Effect.gen(function* () {
        yield* Effect.gen(function* () {
          const client = yield* ActorClient
          // The database disappears under the running node (connections cut, every query refused).
          yield* admin((sql, name) => sql`drop database ${sql(name)} with (force)`)
          const market = yield* openMarkets
          for (const batch of workload(5, TRADERS, market.symbols, 6, 40, Date.now)) yield* client.sendAll(batch())
          yield* settle
          // Trading went on: quiescence means every order reached its book and every fill its wallets.
          const redis = yield* RedisClient
          const letters = (yield* Effect.forEach(Array.from({ length: client.keys.shardCount }, (_, s) => s), (s) => listDeadLetters(redis, client.keys, s, 100_000))).flat()
          assert.isAbove(letters.length, 0, "the sink's rows were dead-lettered")
          assert.deepStrictEqual([...new Set(letters.map((l) => (l.envelope as { k: string }).k))], ["sink"], "only sink messages failed")
          assert.isTrue(letters.every((l) => l.attempts === 3), "each after three attempts")

          // The database comes back, empty; the operator migrates it and replays the dead letters.
          yield* admin((sql, name) => sql`create database ${sql(name)}`)
          yield* migrate()
          for (const letter of letters) yield* replayDeadLetter(redis, client.keys, client, letter.shard, letter.id)
          yield* settle
          assert.isAbove(yield* windDownAndCheck(market), 5)
          yield* checkTrades(market)
          yield* checkOrders(market)
          yield* checkLedger(market)
        }).pipe(Effect.provide(yield* recordingCluster))
      }).pipe(Effect.provide(migrated(postgresBackend))),
    240_000
  )
})
