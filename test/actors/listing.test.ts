import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Book, GetBook, type MarketTerms } from "../../src/actors/book/protocol.js"
import { GetMarket, Listing, LISTING_KEY, ListTrend, SetHalted } from "../../src/actors/listing/protocol.js"
import { GetMaker, MarketMaker } from "../../src/actors/market-maker/protocol.js"
import { GetPrice, Pricing, Signal } from "../../src/actors/pricing/protocol.js"
import { Credit, GetOrder, houseKey, PlaceOrder, Wallet } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { settle, terms, totals, tradingCluster, walletOf } from "./trading-cluster.js"

const maker = { levels: 3, spreadBps: 100, stepBps: 100, size: 10, maxUnits: 20_000, minCash: 0 }

const list = (topic: string) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const listed = yield* client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic, supply: 10_000, cash: 1_000_000, indexPrice: 1000, terms, marketMaker: maker }))
    yield* settle
    return listed.symbol
  })

const marketBuy = (symbol: string, quantity: number, referencePrice: number, t: MarketTerms = terms) =>
  new PlaceOrder({ symbol, side: "BUY", type: "MARKET", quantity, referencePrice, terms: t })

describe("listing and the house market maker", () => {
  it.scopedLive("a listed trend is tradable at once: supply issued, ladder quoted, a market order fills", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const symbol = yield* list("Bitcoin price spike")
      assert.strictEqual(symbol, "VIRAL/SA_CRYPTO_BTC_001")
      // Listing again is idempotent.
      assert.deepStrictEqual(yield* client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "bitcoin PRICE spike!" })), { symbol, created: false })
      const book = yield* client.ask(Book.ref(symbol), new GetBook({ depth: 10 }))
      assert.deepStrictEqual(book.bids, [[990, 10], [980, 10], [970, 10]])
      assert.deepStrictEqual(book.asks, [[1010, 10], [1020, 10], [1030, 10]])

      yield* client.ask(Wallet.ref("fay"), new Credit({ currency: "ZAR", amount: 100_000, reference: "d" }))
      const buy = yield* client.ask(Wallet.ref("fay"), marketBuy(symbol, 15, 1000))
      assert.strictEqual(buy.worstPrice, 1100)
      yield* settle
      const filled = yield* client.ask(Wallet.ref("fay"), new GetOrder({ orderId: buy.orderId }))
      assert.deepStrictEqual([filled.status, filled.filled, filled.notional], ["FILLED", 15, 10 * 1010 + 5 * 1020])
      const fay = yield* walletOf("fay")
      const { held, clearing } = totals([fay, yield* walletOf(houseKey(symbol))])
      assert.strictEqual(held.get("ZAR"), 100_000 + 1_000_000)
      assert.strictEqual(held.get(symbol), 10_000)
      assert.strictEqual(clearing.get("ZAR") ?? 0, 0)
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a move of the index re-quotes the ladder as one versioned replace", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const symbol = yield* list("Springboks win")
      yield* client.send(Pricing.ref(symbol), new Signal({ viralityScore: 10, velocityPermille: 1000, sentimentPermille: 0 }))
      yield* client.send(Pricing.ref(symbol), new Signal({ viralityScore: 60, velocityPermille: 1000, sentimentPermille: 0 }))
      yield* settle
      // 1000 + 50 points × 10 c × 1.0 × 1.0
      assert.strictEqual((yield* client.ask(Pricing.ref(symbol), new GetPrice())).indexPrice, 1500)
      const mm = yield* client.ask(MarketMaker.ref(symbol), new GetMaker())
      assert.deepStrictEqual(mm, { running: true, version: 2, indexPrice: 1500 })
      const book = yield* client.ask(Book.ref(symbol), new GetBook({ depth: 10 }))
      assert.deepStrictEqual(book.bids, [[1485, 10], [1470, 10], [1455, 10]])
      assert.deepStrictEqual(book.asks, [[1515, 10], [1530, 10], [1545, 10]])
      const house = yield* walletOf(houseKey(symbol))
      assert.strictEqual(house.openOrders, 6)
      assert.strictEqual(house.positions[0]!.locked, 30)
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a halted market rejects new orders and releases them in full", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const symbol = yield* list("Eskom loadshedding")
      const halted = yield* client.ask(Listing.ref(LISTING_KEY), new SetHalted({ symbol, halted: true, reason: "test" }))
      assert.isTrue(halted.halted)
      yield* client.ask(Wallet.ref("gus"), new Credit({ currency: "ZAR", amount: 100_000, reference: "d" }))
      yield* settle
      const buy = yield* client.ask(Wallet.ref("gus"), marketBuy(symbol, 5, 1000))
      yield* settle
      const order = yield* client.ask(Wallet.ref("gus"), new GetOrder({ orderId: buy.orderId }))
      assert.deepStrictEqual([order.status, order.reason], ["REJECTED", "HALTED"])
      assert.deepStrictEqual((yield* walletOf("gus")).balances.ZAR, { available: 100_000, locked: 0 })
      yield* client.ask(Listing.ref(LISTING_KEY), new SetHalted({ symbol, halted: false }))
      assert.isFalse((yield* client.ask(Listing.ref(LISTING_KEY), new GetMarket({ symbol }))).halted)
      yield* settle
      const again = yield* client.ask(Wallet.ref("gus"), marketBuy(symbol, 5, 1000))
      yield* settle
      assert.strictEqual((yield* client.ask(Wallet.ref("gus"), new GetOrder({ orderId: again.orderId }))).status, "FILLED")
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("the house wallet's reservations hold the maker within its inventory and loss limits", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      const list = (topic: string, cash: number, limits: { maxUnits: number; minCash: number }) =>
        client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic, supply: 100, cash, indexPrice: 1000, terms, marketMaker: { ...maker, ...limits } }))
      // Bids reserve 9920, 9820 and 9720 cents: with R250 and a R50 floor only two fit.
      const poor = yield* list("Rand crash", 25_000, { maxUnits: 1_000, minCash: 5_000 })
      // 100 units held: a 110-unit inventory limit leaves room for one 10-unit bid.
      const full = yield* list("JSE rally", 1_000_000, { maxUnits: 110, minCash: 0 })
      yield* settle
      const poorBook = yield* client.ask(Book.ref(poor.symbol), new GetBook({ depth: 10 }))
      assert.deepStrictEqual(poorBook.bids, [[990, 10], [980, 10]])
      assert.deepStrictEqual(poorBook.asks, [[1010, 10], [1020, 10], [1030, 10]])
      assert.deepStrictEqual((yield* walletOf(houseKey(poor.symbol))).balances.ZAR, { available: 25_000 - 9920 - 9820, locked: 9920 + 9820 })
      const fullBook = yield* client.ask(Book.ref(full.symbol), new GetBook({ depth: 10 }))
      assert.deepStrictEqual(fullBook.bids, [[990, 10]])
    }).pipe(Effect.provide(tradingCluster()))
  )
})
