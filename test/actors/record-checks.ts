// What the record must hold after trading, checked against the actors at quiescence: the trades
// the books printed, the orders as their wallets ended them, ledger lines summing to balances.
import { assert } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ActorsLive } from "../../src/actors/index.js"
import { GetOrders, Wallet } from "../../src/actors/wallet/protocol.js"
import type { RuntimeSettings } from "../../src/runtime/runtime-config.js"
import { query, Sql } from "../../src/storage/sql.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "../runtime/test-cluster.js"
import { ownersOf, type Market } from "./scenario.js"
import { askAgain, feedOf, walletOf } from "./trading-cluster.js"

/** A node with every behaviour, the sink writing to the current database, and a client. */
export const recordingClusterWith = (options: Partial<RuntimeSettings>) =>
  Effect.map(Sql, (sql) =>
    testCluster(
      testSettings(sharedRedisUrl, { snapshotEvery: 50, retryDelaysMs: [100, 200], ...options }),
      sharedRedisUrl,
      ActorsLive.pipe(Layer.provide(Layer.succeed(Sql, sql)))
    )
  )

/** `recordingClusterWith` the default test settings. */
export const recordingCluster = recordingClusterWith({})

const storedTradeIds = (symbol: string) =>
  Effect.map(
    query("test: trade ids", (q) => q<Array<{ tradeId: string }>>`select trade_id from trades where symbol = ${symbol} order by seq`),
    (rows) => rows.map((r) => r.tradeId)
  )

/** The trades in PostgreSQL are exactly those on the books' `trades` feeds, once each, with their prices and sizes. */
export const checkTrades = (market: Market) =>
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
export const checkOrders = (market: Market) =>
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
export const checkLedger = (market: Market) =>
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
