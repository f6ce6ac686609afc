// The trading scenario shared by the conservation and crash tests: list markets with house
// makers, fund traders, run a seeded workload, wind down, and check the global identity
// (DESIGN §3 "Money": all wallets plus clearing equal deposits; units equal issued supply).
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import { Book, GetBook } from "../../src/actors/book/protocol.js"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { MarketMaker, Stop } from "../../src/actors/market-maker/protocol.js"
import { CancelOrder, Credit, GetOrders, houseKey, Wallet } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { askAgain, checkTradesSettledOnce, deadLetters, settle, terms, totals, walletOf } from "./trading-cluster.js"

/** The traders of the scenario. */
export const TRADERS = Array.from({ length: 8 }, (_, i) => `trader${i}`)
const SUPPLY = 20_000
const HOUSE_CASH = 2_000_000
const maker = { levels: 4, spreadBps: 100, stepBps: 100, size: 25, maxUnits: 40_000, minCash: 100_000 }

/** What the scenario deposited and issued. */
export interface Market {
  readonly symbols: ReadonlyArray<string>
  readonly deposits: { ZAR: number; USD: number }
}

/** Lists two trends and funds the traders; returns the symbols and the deposits. */
export const openMarkets = Effect.gen(function* () {
  const client = yield* ActorClient
  const symbols: Array<string> = []
  for (const topic of ["DJ Zinhle dance challenge", "Bitcoin price spike"]) {
    const listed = yield* askAgain(Listing.ref(LISTING_KEY), new ListTrend({ topic, supply: SUPPLY, cash: HOUSE_CASH, indexPrice: 1000, terms, marketMaker: maker }))
    symbols.push(listed.symbol)
  }
  const deposits = { ZAR: symbols.length * HOUSE_CASH, USD: 0 }
  for (const [i, trader] of TRADERS.entries()) {
    const zar = 50_000 + i * 25_000
    yield* client.sendAll([
      [Wallet.ref(trader), new Credit({ currency: "ZAR", amount: zar, reference: "seed" })],
      [Wallet.ref(trader), new Credit({ currency: "USD", amount: 1000 + i, reference: "seed-usd" })]
    ])
    deposits.ZAR += zar
    deposits.USD += 1000 + i
  }
  yield* settle
  return { symbols, deposits } satisfies Market
})

/** Every wallet of the scenario. */
export const ownersOf = (m: Market) => [...TRADERS, ...m.symbols.map(houseKey)]

/** At quiescence: the open orders the wallets hold are exactly the live orders of each book. */
export const checkWalletsAgreeWithBooks = (m: Market) =>
  Effect.gen(function* () {
    const open = new Map<string, number>()
    for (const owner of ownersOf(m)) {
      for (const o of yield* askAgain(Wallet.ref(owner), new GetOrders({}))) {
        if (o.status === "PENDING" || o.status === "PARTIAL") open.set(o.symbol, (open.get(o.symbol) ?? 0) + 1)
      }
    }
    for (const s of m.symbols) assert.strictEqual((yield* askAgain(Book.ref(s), new GetBook({ depth: 1 }))).orders, open.get(s) ?? 0, s)
  })

/** Stops the makers, cancels every open order, then checks conservation and settlement. */
export const windDownAndCheck = (m: Market) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    yield* client.sendAll(m.symbols.map((s) => [MarketMaker.ref(s), new Stop()] as const))
    yield* settle
    const owners = ownersOf(m)
    for (const owner of owners) {
      for (const status of ["PENDING", "PARTIAL"] as const) {
        const open = yield* askAgain(Wallet.ref(owner), new GetOrders({ status }))
        yield* client.sendAll(open.map((o) => [Wallet.ref(owner), new CancelOrder({ orderId: o.orderId })] as const))
      }
    }
    yield* settle
    const views = yield* Effect.forEach(owners, walletOf)
    // `totals` also fails on any negative wallet balance.
    const { held, clearing } = totals(views)
    assert.strictEqual(held.get("ZAR"), m.deposits.ZAR)
    assert.strictEqual(held.get("USD"), m.deposits.USD)
    for (const s of m.symbols) {
      assert.strictEqual(held.get(s), SUPPLY, s)
      assert.strictEqual(clearing.get(s) ?? 0, 0, s)
    }
    assert.strictEqual(clearing.get("ZAR") ?? 0, 0)
    for (const v of views) {
      assert.strictEqual(v.openOrders, 0, v.owner)
      for (const b of [...Object.values(v.balances), ...v.positions]) assert.strictEqual(b.locked, 0, v.owner)
    }
    for (const s of m.symbols) assert.strictEqual((yield* askAgain(Book.ref(s), new GetBook({ depth: 1 }))).orders, 0)
    const trades = yield* checkTradesSettledOnce(m.symbols, owners)
    assert.deepStrictEqual((yield* deadLetters).map((d) => d.reason), [])
    return trades
  })
