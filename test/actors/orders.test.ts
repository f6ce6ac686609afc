import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Book, GetBook, Open } from "../../src/actors/book/protocol.js"
import { Credit, GetOrder, houseKey, PlaceOrder, ReplaceOrder, Wallet, Withdraw } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { settle, terms, tradingCluster, walletOf } from "./trading-cluster.js"

const SYM = "VIRAL/SA_TEST_ORDERS_001"
const HOUSE = houseKey(SYM)
type Fields = ConstructorParameters<typeof PlaceOrder>[0]
const order = (extra: Partial<Fields>): PlaceOrder => new PlaceOrder({ symbol: SYM, side: "BUY", type: "LIMIT", quantity: 1, price: 1000, terms, ...extra })

const listed = Effect.gen(function* () {
  const client = yield* ActorClient
  yield* client.send(Book.ref(SYM), new Open({ terms, plan: { supply: 100, cash: 0, indexPrice: 1000 } }))
  yield* settle
})

const reasonOf = (e: Either.Either<unknown, unknown>) => (Either.isLeft(e) ? (e.left as { reason: string }).reason : "accepted")

describe("orders through the wallet", () => {
  it.scopedLive("a cancel-replace reserves the whole new order before the old one is released", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed
      yield* client.ask(Wallet.ref("hal"), new Credit({ currency: "ZAR", amount: 10_000, reference: "d" }))
      // 5 × R10.00 + ceil(20 bp × 5000) = 5010 locked.
      const first = yield* client.ask(Wallet.ref("hal"), order({ quantity: 5 }))
      assert.strictEqual(first.reserved, 5010)
      const second = yield* client.ask(Wallet.ref("hal"), new ReplaceOrder({ replaces: first.orderId, symbol: SYM, side: "BUY", type: "LIMIT", quantity: 4, price: 1000, terms }))
      assert.strictEqual(second.reserved, 4008)
      yield* settle
      const old = yield* client.ask(Wallet.ref("hal"), new GetOrder({ orderId: first.orderId }))
      assert.deepStrictEqual([old.status, old.reason, old.locked], ["CANCELLED", "REPLACED", 0])
      assert.deepStrictEqual((yield* walletOf("hal")).balances.ZAR, { available: 10_000 - 4008, locked: 4008 })
      // 6012 more than the 5992 available: refused, although releasing the old order would free enough.
      const tooBig = yield* Effect.either(client.ask(Wallet.ref("hal"), new ReplaceOrder({ replaces: second.orderId, symbol: SYM, side: "BUY", type: "LIMIT", quantity: 6, price: 1000, terms })))
      assert.strictEqual(reasonOf(tooBig), "INSUFFICIENT_FUNDS")
      const wrongSide = yield* Effect.either(client.ask(Wallet.ref("hal"), new ReplaceOrder({ replaces: second.orderId, symbol: SYM, side: "SELL", type: "LIMIT", quantity: 1, price: 1000, terms })))
      assert.strictEqual(reasonOf(wrongSide), "INVALID_ORDER")
      yield* settle
      assert.strictEqual((yield* client.ask(Wallet.ref("hal"), new GetOrder({ orderId: second.orderId }))).status, "PENDING")
      assert.deepStrictEqual((yield* client.ask(Book.ref(SYM), new GetBook({ depth: 5 }))).bids, [[1000, 4]])
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a withdrawal takes only available funds, once per reference", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* client.ask(Wallet.ref("ivy"), new Credit({ currency: "USD", amount: 1000, reference: "d" }))
      assert.deepStrictEqual(yield* client.ask(Wallet.ref("ivy"), new Withdraw({ currency: "USD", amount: 400, reference: "w1" })), { available: 600, duplicate: false })
      assert.deepStrictEqual(yield* client.ask(Wallet.ref("ivy"), new Withdraw({ currency: "USD", amount: 400, reference: "w1" })), { available: 600, duplicate: true })
      assert.strictEqual(reasonOf(yield* Effect.either(client.ask(Wallet.ref("ivy"), new Withdraw({ currency: "USD", amount: 700, reference: "w2" })))), "INSUFFICIENT_FUNDS")
      assert.deepStrictEqual((yield* walletOf("ivy")).balances.USD, { available: 600, locked: 0 })
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a GTD order expires by the book's timer and is released in full", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed
      yield* client.ask(Wallet.ref("jay"), new Credit({ currency: "ZAR", amount: 10_000, reference: "d" }))
      const gtd = yield* client.ask(Wallet.ref("jay"), order({ quantity: 2, timeInForce: "GTD", expiresAt: Date.now() + 300 }))
      yield* settle
      const expired = yield* client.ask(Wallet.ref("jay"), new GetOrder({ orderId: gtd.orderId }))
      assert.deepStrictEqual([expired.status, expired.reason, expired.locked], ["EXPIRED", "EXPIRED", 0])
      assert.deepStrictEqual((yield* walletOf("jay")).balances.ZAR, { available: 10_000, locked: 0 })
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("a stop triggers on the last trade price and executes within its collar", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* listed
      yield* client.ask(Wallet.ref(HOUSE), order({ side: "SELL", quantity: 5, price: 1000 }))
      yield* client.ask(Wallet.ref(HOUSE), order({ side: "SELL", quantity: 5, price: 1100 }))
      yield* client.ask(Wallet.ref("kim"), new Credit({ currency: "ZAR", amount: 100_000, reference: "d" }))
      yield* client.ask(Wallet.ref("lee"), new Credit({ currency: "ZAR", amount: 100_000, reference: "d" }))
      const stop = yield* client.ask(Wallet.ref("kim"), order({ type: "STOP", quantity: 3, price: undefined, stopPrice: 1050 }))
      // The worst price is the stop price plus the 10% collar.
      assert.strictEqual(stop.worstPrice, 1155)
      yield* settle
      assert.strictEqual((yield* client.ask(Wallet.ref("kim"), new GetOrder({ orderId: stop.orderId }))).status, "PENDING")
      yield* client.ask(Wallet.ref("lee"), order({ quantity: 6, price: 1100 }))
      yield* settle
      const fired = yield* client.ask(Wallet.ref("kim"), new GetOrder({ orderId: stop.orderId }))
      assert.deepStrictEqual([fired.status, fired.filled, fired.avgPrice, fired.locked], ["FILLED", 3, 1100, 0])
      assert.deepStrictEqual((yield* client.ask(Book.ref(SYM), new GetBook({ depth: 5 }))).asks, [[1100, 1]])
    }).pipe(Effect.provide(tradingCluster()))
  )
})
