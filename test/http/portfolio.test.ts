import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually } from "../support/eventually.js"
import { call, json, testEdge, testExchangeServices } from "./test-edge.js"
import { as, bodyOf, getJson, listLadderMarket, registerUser } from "./test-users.js"

interface Portfolio {
  balance: string
  locked: string
  equity: string
  positions: Array<{ symbol: string; quantity: number; avgPrice: string; currentPrice: string; pnl: string; value: string }>
  orders: Array<{ orderId: string; status: string }>
  transactions: Array<{ id: string; type: string; changes: Array<{ currency: string; amount: string | number }>; fee?: string }>
}

const placeAndFill = (app: Parameters<typeof call>[0], token: string, order: unknown) =>
  Effect.gen(function* () {
    const placed = yield* call(app, "/order", as(token, json("POST", order)))
    assert.strictEqual(placed.status, 201)
    const { orderId } = yield* bodyOf<{ orderId: string }>(placed)
    return yield* eventually(getJson<{ status: string }>(app, `/order/${orderId}`, token), (o) => o.status === "FILLED", "the fill")
  })

describe("GET /portfolio", () => {
  it.scopedLive("after a match it shows cash, equity, the position at the last trade price with its P&L, open orders and transactions", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listLadderMarket(runtime)
      const alice = yield* registerUser(app, "alice@example.com", "5000.00")
      const bob = yield* registerUser(app, "bob@example.com", "100.00")
      // Alice takes the first ask: 5 × 10.10 = 50.50, taker fee ceil(20 bp × 50.50) = 0.11.
      yield* placeAndFill(app, alice.token, { symbol, side: "BUY", type: "LIMIT", quantity: 5, price: "10.10" })
      // Bob takes one unit of the second ask: the last trade, and so Alice's current price, is 10.60.
      yield* placeAndFill(app, bob.token, { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "10.60" })
      // A resting bid far below the market locks 5.00 plus its largest fee, 0.01.
      const resting = yield* bodyOf<{ orderId: string }>(yield* call(app, "/order", as(alice.token, json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "5.00" }))))
      const portfolio = yield* eventually(getJson<Portfolio>(app, "/portfolio", alice.token), (p) => p.orders.length === 1, "the resting order")
      assert.deepStrictEqual(
        { balance: portfolio.balance, locked: portfolio.locked, equity: portfolio.equity, positions: portfolio.positions },
        {
          balance: "4944.38",
          locked: "5.01",
          equity: "5002.39",
          positions: [{ symbol, quantity: 5, avgPrice: "10.10", currentPrice: "10.60", pnl: "+4.95%", value: "53.00" }]
        }
      )
      assert.deepStrictEqual(portfolio.orders.map((o) => [o.orderId, o.status]), [[resting.orderId, "PENDING"]])
      assert.deepStrictEqual(
        portfolio.transactions.map(({ type, changes, fee }) => ({ type, changes, fee })),
        [
          { type: "BUY", changes: [{ currency: "ZAR", amount: "-50.61" }, { currency: symbol, amount: 5 }], fee: "0.11" },
          { type: "DEPOSIT", changes: [{ currency: "ZAR", amount: "+5000.00" }], fee: undefined }
        ]
      )
    })
  )

  it.scopedLive("an empty account has a zero balance, no positions and no transactions", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const carol = yield* registerUser(app, "carol@example.com")
      assert.deepStrictEqual(yield* getJson(app, "/portfolio", carol.token), { balance: "0.00", locked: "0.00", equity: "0.00", positions: [], orders: [], transactions: [] })
    })
  )

  it.scopedLive("needs a user token", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const response = yield* call(app, "/portfolio")
      assert.strictEqual(response.status, 401)
      assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
    })
  )
})
