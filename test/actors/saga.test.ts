import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Book, GetBook, Open } from "../../src/actors/book/protocol.js"
import { CancelOrder, Credit, GetOrder, houseKey, PlaceOrder, Wallet } from "../../src/actors/wallet/protocol.js"
import { feeCeil } from "../../src/domain/fees.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { feedOf, settle, terms, totals, tradingCluster, walletOf } from "./trading-cluster.js"

const SYM = "VIRAL/SA_TEST_SAGA_001"
const HOUSE = houseKey(SYM)

const listed = (symbol: string, supply: number) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    yield* client.send(Book.ref(symbol), new Open({ terms, plan: { supply, cash: 0, indexPrice: 1000 } }))
    yield* settle
  })

const limit = (side: "BUY" | "SELL", quantity: number, price: number, extra: Partial<ConstructorParameters<typeof PlaceOrder>[0]> = {}) =>
  new PlaceOrder({ symbol: SYM, side, type: "LIMIT", quantity, price, terms, ...extra })

describe("the order saga", () => {
  it.scopedLive("credit, place, match, settle, cancel and release leave exact balances", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed(SYM, 100)
      assert.strictEqual((yield* client.ask(Wallet.ref("alice"), new Credit({ currency: "ZAR", amount: 1_000_000, reference: "dep-1" }))).available, 1_000_000)
      // The same reference again changes nothing.
      assert.isTrue((yield* client.ask(Wallet.ref("alice"), new Credit({ currency: "ZAR", amount: 1_000_000, reference: "dep-1" }))).duplicate)

      const sell = yield* client.ask(Wallet.ref(HOUSE), limit("SELL", 10, 1000))
      assert.strictEqual(sell.reserved, 10)
      const buy = yield* client.ask(Wallet.ref("alice"), limit("BUY", 4, 1100))
      // 1100 × 4 + ceil(20 bp × 4400) = 4400 + 9.
      assert.strictEqual(buy.reserved, 4409)
      yield* settle

      const bought = yield* client.ask(Wallet.ref("alice"), new GetOrder({ orderId: buy.orderId }))
      assert.strictEqual(bought.status, "FILLED")
      assert.strictEqual(bought.filled, 4)
      assert.strictEqual(bought.avgPrice, 1000)
      assert.strictEqual(bought.fees, 8)
      assert.strictEqual(bought.locked, 0)
      const alice = yield* walletOf("alice")
      assert.deepStrictEqual(alice.balances.ZAR, { available: 1_000_000 - 4008, locked: 0 })
      assert.deepStrictEqual(alice.positions, [{ symbol: SYM, available: 4, locked: 0, cost: 4000, avgPrice: 1000 }])
      assert.strictEqual(alice.fees.ZAR, 8)

      const house = yield* walletOf(HOUSE)
      assert.deepStrictEqual(house.balances.ZAR, { available: 4000 - 4, locked: 0 })
      assert.deepStrictEqual(house.positions.map((p) => [p.available, p.locked]), [[90, 6]])
      assert.strictEqual(house.fees.ZAR, 4)

      yield* client.ask(Wallet.ref(HOUSE), new CancelOrder({ orderId: sell.orderId }))
      // The cancel request alone releases nothing: only the book's terminal event does.
      yield* settle
      const cancelled = yield* client.ask(Wallet.ref(HOUSE), new GetOrder({ orderId: sell.orderId }))
      assert.strictEqual(cancelled.status, "CANCELLED")
      assert.strictEqual(cancelled.filled, 4)
      assert.strictEqual(cancelled.locked, 0)
      const after = yield* walletOf(HOUSE)
      assert.deepStrictEqual(after.positions.map((p) => [p.available, p.locked]), [[96, 0]])
      const book = yield* client.ask(Book.ref(SYM), new GetBook({ depth: 10 }))
      assert.deepStrictEqual([book.bids, book.asks, book.lastPrice, book.orders], [[], [], 1000, 0])
      assert.deepStrictEqual([book.tradesSeq, book.open24h, book.volume24h], [1, 1000, 4])
      // The depth answers its position in the public `book` feed: a subscriber applies deltas after it.
      const feed = yield* feedOf("book", SYM, "book")
      assert.strictEqual(book.bookSeq, feed[feed.length - 1]!.seq)
      assert.deepStrictEqual(feed.map((e) => e.seq), feed.map((_, i) => i + 1))

      const { held, clearing } = totals([yield* walletOf("alice"), after])
      assert.strictEqual(held.get("ZAR"), 1_000_000)
      assert.strictEqual(held.get(SYM), 100)
      assert.strictEqual(clearing.get("ZAR") ?? 0, 0)
      assert.strictEqual(clearing.get(SYM) ?? 0, 0)
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("fees over many fills never exceed the fee of one fill for the whole order", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed(SYM, 100)
      yield* client.ask(Wallet.ref("bob"), new Credit({ currency: "ZAR", amount: 100_000, reference: "d" }))
      for (let i = 0; i < 7; i++) yield* client.ask(Wallet.ref(HOUSE), limit("SELL", 1, 333))
      const buy = yield* client.ask(Wallet.ref("bob"), limit("BUY", 7, 333))
      yield* settle
      const order = yield* client.ask(Wallet.ref("bob"), new GetOrder({ orderId: buy.orderId }))
      assert.strictEqual(order.filled, 7)
      // Seven fills of R3.33 at 20 bp would be 7 × ceil(0.666) = 7 cents one by one; the order pays ceil(4.662).
      assert.strictEqual(order.fees, feeCeil(20, 7 * 333))
      assert.strictEqual(order.fees, 5)
      const bob = yield* walletOf("bob")
      assert.deepStrictEqual(bob.balances.ZAR, { available: 100_000 - 7 * 333 - 5, locked: 0 })
      const house = yield* walletOf(HOUSE)
      // Each maker order filled once: ceil(10 bp × 333) = 1 cent each.
      assert.strictEqual(house.fees.ZAR, 7)
      assert.strictEqual(house.balances.ZAR!.available, 7 * 333 - 7)
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a cancel sent right behind its order never overtakes it", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed(SYM, 10)
      yield* client.ask(Wallet.ref("carol"), new Credit({ currency: "ZAR", amount: 10_000_000, reference: "d" }))
      const messages = []
      for (let i = 0; i < 40; i++) {
        messages.push([Wallet.ref("carol"), limit("BUY", 1 + (i % 5), 500 + i, { clientOrderId: `c${i}` })] as const)
        messages.push([Wallet.ref("carol"), new CancelOrder({ clientOrderId: `c${i}` })] as const)
      }
      yield* client.sendAll(messages)
      yield* settle
      for (let i = 0; i < 40; i++) {
        const o = yield* client.ask(Wallet.ref("carol"), new GetOrder({ clientOrderId: `c${i}` }))
        assert.strictEqual(o.status, "CANCELLED", `c${i}`)
        assert.strictEqual(o.reason, "USER_CANCELLED")
      }
      const carol = yield* walletOf("carol")
      assert.deepStrictEqual(carol.balances.ZAR, { available: 10_000_000, locked: 0 })
      assert.strictEqual(carol.openOrders, 0)
      const book = yield* client.ask(Book.ref(SYM), new GetBook({ depth: 10 }))
      assert.strictEqual(book.orders, 0)
    }).pipe(Effect.provide(tradingCluster()))
  )
})
