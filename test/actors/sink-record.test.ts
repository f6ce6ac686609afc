// The exchange writing its record end to end: a node running every actor and the sink on a real
// database, a seeded burst of trading, then (at quiescence, no sleeps) PostgreSQL holds exactly
// the trades the books printed, every order in the status its wallet ended it with, and ledger
// lines that sum to each wallet's balances (DESIGN §5; issue 6 "Tests").
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { query } from "../../src/storage/sql.js"
import { backends, migrated, postgresBackend } from "../support/database.js"
import type { FaultHooks } from "../../src/runtime/runtime-config.js"
import { seededRandom } from "../support/seeded-random.js"
import { checkLedger, checkOrders, checkTrades, recordingCluster, recordingClusterWith } from "./record-checks.js"
import { openMarkets, TRADERS, windDownAndCheck } from "./scenario.js"
import { settle } from "./trading-cluster.js"
import { workload } from "./workload.js"

/** Lists two markets, trades a seeded burst and winds down (the scenario checks no dead letters). */
const tradeBurst = (seed: number) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const market = yield* openMarkets
    for (const batch of workload(seed, TRADERS, market.symbols, 15, 40, Date.now)) yield* client.sendAll(batch())
    yield* settle
    const trades = yield* windDownAndCheck(market)
    assert.isAbove(trades, 20)
    return market
  })

for (const backend of backends) {
  describe(`the exchange's record on ${backend.name}`, () => {
    it.scopedLive(
      "after a seeded burst of trading the record holds every printed trade once, every order's final status and balanced ledgers",
      () =>
        Effect.gen(function* () {
          yield* Effect.gen(function* () {
            const market = yield* tradeBurst(21)
            yield* checkTrades(market)
            yield* checkOrders(market)
            yield* checkLedger(market)
          }).pipe(Effect.provide(yield* recordingCluster))
          const [signals] = yield* query("test: signals", (q) => q<Array<{ n: number }>>`select count(*)::int as n from trend_metrics`)
          assert.isAbove(signals!.n, 0, "signals are recorded")
        }).pipe(Effect.provide(migrated(backend))),
      240_000
    )
  })
}

describe("the exchange's record when shards crash", () => {
  it.scopedLive(
    "shards crashing before and after their commits (replays, re-applied batches) still leave every trade once and balanced ledgers",
    () =>
      Effect.gen(function* () {
        const random = seededRandom(31)
        const injected = { count: 0 }
        const faults: FaultHooks = { crashAt: () => injected.count < 10 && random() < 0.04 && ++injected.count > 0 }
        yield* Effect.gen(function* () {
          const market = yield* tradeBurst(31)
          assert.isAbove(injected.count, 0, "crashes were injected")
          yield* checkTrades(market)
          yield* checkOrders(market)
          yield* checkLedger(market)
        }).pipe(Effect.provide(yield* recordingClusterWith({ leaseTtlMs: 600, snapshotEvery: 7, faults })))
      }).pipe(Effect.provide(migrated(postgresBackend))),
    240_000
  )
})
