// The exchange writing its record end to end: a node running every actor and the sink on a real
// database, a seeded burst of trading, then (at quiescence, no sleeps) PostgreSQL holds exactly
// the trades the books printed, every order in the status its wallet ended it with, and ledger
// lines that sum to each wallet's balances (DESIGN §5; issue 6 "Tests").
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ActorsLive } from "../../src/actors/index.js"
import { GetOrders, Wallet } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { query, Sql } from "../../src/storage/sql.js"
import { backends, migrated } from "../support/database.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "../runtime/test-cluster.js"
import { openMarkets, ownersOf, TRADERS, windDownAndCheck, type Market } from "./scenario.js"
import { askAgain, feedOf, settle, walletOf } from "./trading-cluster.js"
import { workload } from "./workload.js"

/** A node with every behaviour, the sink writing to the test's database, and a client. */
const recordingCluster = Effect.map(Sql, (sql) =>
  testCluster(testSettings(sharedRedisUrl, { snapshotEvery: 50, retryDelaysMs: [200, 400] }), sharedRedisUrl, ActorsLive.pipe(Layer.provide(Layer.succeed(Sql, sql))))
)

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

const storedTradeIds = (symbol: string) =>
  Effect.map(
    query("test: trade ids", (q) => q<Array<{ tradeId: string }>>`select trade_id from trades where symbol = ${symbol} order by seq`),
    (rows) => rows.map((r) => r.tradeId)
  )

/** The trades in PostgreSQL are exactly those on the books' `trades` feeds, once each, with their prices and sizes. */
const checkTrades = (market: Market) =>
  Effect.gen(function* () {
    for (const symbol of market.symbols) {
      const printed = (yield* feedOf("book", symbol, "trades")).map(({ event }) => event)
      assert.isAbove(printed.length, 0, symbol)
      assert.deepStrictEqual(yield* storedTradeIds(symbol), printed.map((e) => String(e.tradeId)), symbol)
      const rows = yield* query("test: trades", (q) => q<Array<{ tradeId: string; priceCents: bigint; quantity: bigint; seq: bigint }>>`
        select trade_id, price_cents, quantity, seq from trades where symbol = ${symbol} order by seq`)
      assert.deepStrictEqual(
        rows.map((r) => [r.tradeId, Number(r.priceCents), Number(r.quantity), Number(r.seq)]),
        printed.map((e) => [e.tradeId, e.price, e.qty, e.seq])
      )
    }
  })

/** Every order a wallet knows is stored with the status, fill and version the wallet ended it with. */
const checkOrders = (market: Market) =>
  Effect.gen(function* () {
    let checked = 0
    for (const owner of ownersOf(market)) {
      const orders = yield* askAgain(Wallet.ref(owner), new GetOrders({}))
      const stored = yield* query("test: orders", (q) => q<Array<{ orderId: string; status: string; filled: bigint; version: bigint }>>`
        select order_id, status, filled, version from orders where user_id = ${owner}`)
      const byId = new Map(stored.map((o) => [o.orderId, o]))
      for (const o of orders) {
        const row = byId.get(o.orderId)
        assert.isDefined(row, `order ${o.orderId} of ${owner} is stored`)
        assert.deepStrictEqual([row!.status, Number(row!.filled), Number(row!.version)], [o.status, o.filled, o.version], o.orderId)
        checked++
      }
      for (const row of stored) assert.oneOf(row.status, ["FILLED", "CANCELLED", "REJECTED", "EXPIRED"], `${row.orderId} ended`)
    }
    assert.isAbove(checked, 100)
  })

/** Per wallet, the stored ledger lines of its own accounts sum to its balances. */
const checkLedger = (market: Market) =>
  Effect.gen(function* () {
    for (const owner of ownersOf(market)) {
      const view = yield* walletOf(owner)
      const expected: Record<string, number> = {}
      for (const [key, amount] of Object.entries(view.accounts)) {
        if (amount !== 0 && key.startsWith(`${owner}:`)) expected[key.slice(owner.length + 1)] = amount
      }
      const sums = yield* query("test: ledger sums", (q) => q<Array<{ account: string; asset: string; total: bigint }>>`
        select account, asset, sum(amount)::int8 as total from ledger_entries
        where wallet = ${owner} and account in ('available', 'locked', 'fees')
        group by account, asset having sum(amount) <> 0`)
      assert.deepStrictEqual(Object.fromEntries(sums.map((s) => [`${s.account}|${s.asset}`, Number(s.total)])), expected, owner)
      // Double entry: every wallet's lines, its counterpart accounts included, sum to zero per asset.
      const unbalanced = yield* query("test: ledger balance", (q) => q`
        select asset from ledger_entries where wallet = ${owner} group by asset having sum(amount) <> 0`)
      assert.strictEqual(unbalanced.length, 0, owner)
    }
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
