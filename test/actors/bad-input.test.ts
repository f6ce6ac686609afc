import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { Book, GetBook, Open } from "../../src/actors/book/protocol.js"
import { CancelOrder, Credit, GetOrder, houseKey, PlaceOrder, Wallet, type WalletReason } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { settle, terms, tradingCluster, walletOf } from "./trading-cluster.js"

const SYM = "VIRAL/SA_TEST_BAD_001"
type Fields = ConstructorParameters<typeof PlaceOrder>[0]
const order = (extra: Partial<Fields>): PlaceOrder =>
  new PlaceOrder({ symbol: SYM, side: "BUY", type: "LIMIT", quantity: 2, price: 1000, terms, ...extra })

const cases: ReadonlyArray<readonly [string, Partial<Fields>, WalletReason]> = [
  ["a malformed symbol", { symbol: "BTC" }, "INVALID_SYMBOL"],
  ["a zero quantity", { quantity: 0 }, "INVALID_QUANTITY"],
  ["a negative quantity", { quantity: -3 }, "INVALID_QUANTITY"],
  ["a fractional quantity", { quantity: 1.5 }, "INVALID_QUANTITY"],
  ["a quantity beyond the safe range", { quantity: 1e20 }, "INVALID_QUANTITY"],
  ["a quantity off the lot", { quantity: 3, terms: { ...terms, lot: 5 } }, "INVALID_QUANTITY"],
  ["a price off the tick", { price: 1001, terms: { ...terms, tick: 5 } }, "INVALID_PRICE"],
  ["a fractional price", { price: 10.5 }, "INVALID_PRICE"],
  ["a zero price", { price: 0 }, "INVALID_PRICE"],
  ["a price above the maximum", { price: terms.maxPrice + 1 }, "INVALID_PRICE"],
  ["a limit order without a price", { price: undefined }, "INVALID_PRICE"],
  ["a market order without a reference price", { type: "MARKET", price: undefined }, "REFERENCE_PRICE_REQUIRED"],
  ["a stop order without a stop price", { type: "STOP" }, "INVALID_STOP_PRICE"],
  ["a limit order with a stop price", { stopPrice: 900 }, "INVALID_STOP_PRICE"],
  ["a GTD order without expiry", { timeInForce: "GTD" }, "INVALID_EXPIRY"],
  ["a GTD order expiring in the past", { timeInForce: "GTD", expiresAt: 1000 }, "INVALID_EXPIRY"],
  ["a GTC order with an expiry", { expiresAt: Date.now() + 60_000 }, "INVALID_EXPIRY"],
  ["a post-only IOC order", { timeInForce: "IOC", postOnly: true }, "INVALID_ORDER"],
  ["a post-only market order", { type: "MARKET", referencePrice: 1000, postOnly: true }, "INVALID_ORDER"],
  ["an empty clientOrderId", { clientOrderId: "" }, "INVALID_ORDER"],
  ["negative fee terms", { terms: { ...terms, makerBps: -1 } }, "INVALID_TERMS"],
  ["a buy beyond the available funds", { quantity: 1000, price: 100_000 }, "INSUFFICIENT_FUNDS"],
  ["a sell without units", { side: "SELL" }, "INSUFFICIENT_UNITS"]
]

describe("bad input", () => {
  it.scopedLive("every malformed order is rejected with its reason and changes neither wallet nor book", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* client.send(Book.ref(SYM), new Open({ terms, plan: { supply: 50, cash: 0, indexPrice: 1000 } }))
      yield* client.ask(Wallet.ref("dave"), new Credit({ currency: "ZAR", amount: 500_000, reference: "d" }))
      yield* settle
      yield* client.ask(Wallet.ref(houseKey(SYM)), order({ side: "SELL", quantity: 5, price: 1200 }))
      yield* settle
      const walletBefore = yield* walletOf("dave")
      const bookBefore = yield* client.ask(Book.ref(SYM), new GetBook({ depth: 10 }))
      for (const [what, extra, reason] of cases) {
        const result = yield* Effect.either(client.ask(Wallet.ref("dave"), order(extra)))
        assert.isTrue(Either.isLeft(result), what)
        const error = (result as Either.Left<{ _tag: string; reason: string; detail: string }, unknown>).left
        assert.strictEqual(error._tag, "WalletRejected", what)
        assert.strictEqual(error.reason, reason, what)
        assert.isAbove(error.detail.length, 0, what)
      }
      const credits: ReadonlyArray<readonly [Credit, WalletReason]> = [
        [new Credit({ currency: "EUR", amount: 100, reference: "x1" }), "INVALID_CURRENCY"],
        [new Credit({ currency: "ZAR", amount: -100, reference: "x2" }), "INVALID_AMOUNT"],
        [new Credit({ currency: "ZAR", amount: 10.5, reference: "x3" }), "INVALID_AMOUNT"],
        [new Credit({ currency: "ZAR", amount: 999, reference: "d" }), "REFERENCE_REUSED"]
      ]
      for (const [credit, reason] of credits) {
        const result = yield* Effect.either(client.ask(Wallet.ref("dave"), credit))
        assert.strictEqual(Either.isLeft(result) && (result.left as { reason: string }).reason, reason)
      }
      const cancel = yield* Effect.either(client.ask(Wallet.ref("dave"), new CancelOrder({ orderId: "nope" })))
      assert.strictEqual(Either.isLeft(cancel) && (cancel.left as { reason: string }).reason, "UNKNOWN_ORDER")
      yield* settle
      assert.deepStrictEqual(yield* walletOf("dave"), walletBefore)
      assert.deepStrictEqual(yield* client.ask(Book.ref(SYM), new GetBook({ depth: 10 })), bookBefore)
    }).pipe(Effect.provide(tradingCluster()))
  )

  it.scopedLive("an order the book refuses (unlisted symbol, changed terms) is released in full", () =>
    Effect.gen(function* () {
      const client = yield* ActorClient
      yield* client.send(Book.ref(SYM), new Open({ terms }))
      yield* client.ask(Wallet.ref("erin"), new Credit({ currency: "ZAR", amount: 500_000, reference: "d" }))
      const unlisted = yield* client.ask(Wallet.ref("erin"), order({ symbol: "VIRAL/SA_TEST_NOPE_001" }))
      const changed = yield* client.ask(Wallet.ref("erin"), order({ terms: { ...terms, takerBps: 0 } }))
      yield* settle
      const a = yield* client.ask(Wallet.ref("erin"), new GetOrder({ orderId: unlisted.orderId }))
      const b = yield* client.ask(Wallet.ref("erin"), new GetOrder({ orderId: changed.orderId }))
      assert.deepStrictEqual([a.status, a.reason, b.status, b.reason], ["REJECTED", "UNKNOWN_SYMBOL", "REJECTED", "MARKET_TERMS_CHANGED"])
      const erin = yield* walletOf("erin")
      assert.deepStrictEqual(erin.balances.ZAR, { available: 500_000, locked: 0 })
    }).pipe(Effect.provide(tradingCluster()))
  )
})
