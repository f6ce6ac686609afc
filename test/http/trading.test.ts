import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { eventually } from "../support/eventually.js"
import { ADMIN_TOKEN, call, json, testEdge, testExchangeServices } from "./test-edge.js"

const as = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` } })

/** An exchange with one listed market and one registered, credited user. */
const exchange = Effect.gen(function* () {
  const { app, runtime } = yield* testEdge({}, testExchangeServices())
  const { symbol } = yield* Effect.promise(() =>
    runtime.runPromise(Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "DJ Zinhle dance challenge", indexPrice: 1000 }))))
  )
  const registered = yield* call(app, "/auth/register", json("POST", { email: "trader@example.com", password: "password1" }))
  const { userId, token } = (yield* Effect.promise(() => registered.json())) as { userId: string; token: string }
  const credit = yield* call(app, `/admin/wallets/${userId}/credit`, json("POST", { currency: "ZAR", amount: "5000.00" }, { Authorization: `Bearer ${ADMIN_TOKEN}`, "Idempotency-Key": "dep-1" }))
  assert.strictEqual(credit.status, 200)
  return { app, symbol, userId, token }
})

describe("trading over HTTP", () => {
  it.scopedLive("a deposit to a user who does not exist is a 404 naming the id", () =>
    Effect.gen(function* () {
      const { app } = yield* exchange
      const credit = yield* call(app, "/admin/wallets/u_nobody/credit", json("POST", { currency: "ZAR", amount: "5.00" }, { Authorization: `Bearer ${ADMIN_TOKEN}` }))
      assert.strictEqual(credit.status, 404)
      assert.strictEqual(credit.headers.get("content-type"), "application/problem+json")
      assert.match(((yield* Effect.promise(() => credit.json())) as { detail: string }).detail, /u_nobody/)
    })
  )

  it.scopedLive("a buy crossing the house market maker's ask fills, and the wallet shows the position", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      assert.strictEqual(symbol, "VIRAL/SA_DJ_ZINHLE_001")
      const placed = yield* call(app, "/order", as(token, json("POST", { symbol, side: "BUY", orderType: "LIMIT", quantity: 5, price: "12.00" })))
      assert.strictEqual(placed.status, 201)
      const { orderId } = (yield* Effect.promise(() => placed.json())) as { orderId: string }
      const order = yield* eventually(
        Effect.flatMap(call(app, `/order/${orderId}`, as(token)), (r) => Effect.promise(() => r.json() as Promise<{ status: string; filled: number }>)),
        (o) => o.status === "FILLED",
        "the fill"
      )
      assert.strictEqual(order.filled, 5)
      const view = (yield* Effect.flatMap(call(app, "/wallet", as(token)), (r) => Effect.promise(() => r.json()))) as { positions: Array<{ symbol: string; available: number }> }
      assert.deepInclude(view.positions.map((p) => ({ symbol: p.symbol, available: p.available })), { symbol, available: 5 })
    })
  )

  it.scopedLive("the reply to POST /order says what the book did: filled, resting, or refused with its reason", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const place = (body: object) =>
        Effect.flatMap(call(app, "/order", as(token, json("POST", { symbol, ...body }))), (r) =>
          Effect.promise(async () => ({ status: r.status, body: (await r.json()) as { status: string; reason: string; filled: number; avgPrice: string | null } }))
        )
      const filled = yield* place({ side: "BUY", type: "LIMIT", quantity: 5, price: "12.00" })
      assert.strictEqual(filled.status, 201)
      assert.include(filled.body, { status: "FILLED", reason: "NONE", filled: 5 })
      const order = (yield* Effect.flatMap(call(app, `/order/${(filled.body as unknown as { orderId: string }).orderId}`, as(token)), (r) => Effect.promise(() => r.json()))) as { avgPrice: string }
      assert.notStrictEqual(filled.body.avgPrice, "0.00")
      assert.strictEqual(filled.body.avgPrice, order.avgPrice, "the reply's average price is the order's")
      const resting = yield* place({ side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" })
      assert.include(resting.body, { status: "PENDING", filled: 0, avgPrice: null })
      const refused = yield* place({ side: "BUY", type: "LIMIT", quantity: 1, price: "12.00", postOnly: true })
      assert.include(refused.body, { status: "REJECTED", reason: "POST_ONLY_WOULD_CROSS", filled: 0 })
    })
  )

  it.scopedLive("/metrics counts orders by what the book did and trades per market", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const filled = yield* call(app, "/order", as(token, json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 2, price: "12.00" })))
      assert.strictEqual(filled.status, 201)
      yield* call(app, "/order", as(token, json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" })))
      const text = yield* Effect.promise(async () => (await app.request("/metrics")).text())
      assert.include(text, 'viralfx_orders_total{outcome="FILLED"} 1')
      assert.include(text, 'viralfx_orders_total{outcome="PENDING"} 1')
      const trades = Number(new RegExp(`viralfx_trades\\{symbol="${symbol}"\\} (\\d+)`).exec(text)?.[1])
      assert.isAtLeast(trades, 1, "the fill is counted in the book's trades")
    })
  )

  it.scopedLive("a resting order is cancelled through its wallet and ends CANCELLED", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const placed = yield* call(app, "/orders", as(token, json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: 1 })))
      const { orderId } = (yield* Effect.promise(() => placed.json())) as { orderId: string }
      const cancel = yield* call(app, `/order/${orderId}`, as(token, { method: "DELETE" }))
      assert.strictEqual(cancel.status, 202)
      const order = yield* eventually(
        Effect.flatMap(call(app, `/order/${orderId}`, as(token)), (r) => Effect.promise(() => r.json() as Promise<{ status: string }>)),
        (o) => o.status === "CANCELLED",
        "the cancel"
      )
      assert.strictEqual(order.status, "CANCELLED")
    })
  )

  it.scopedLive("bad orders are 4xx problems and change nothing", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const cases: Array<[unknown, number]> = [
        [{ symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.005" }, 400],
        [{ symbol, side: "BUY", type: "LIMIT", quantity: -1, price: 1 }, 400],
        [{ symbol, side: "HOLD", type: "LIMIT", quantity: 1, price: 1 }, 400],
        [{ symbol, side: "BUY", type: "LIMIT", orderType: "MARKET", quantity: 1, price: 1 }, 400],
        [{ symbol: "VIRAL/SA_NOPE_001", side: "BUY", type: "LIMIT", quantity: 1, price: 1 }, 404],
        [{ symbol, side: "BUY", type: "LIMIT", quantity: 1 }, 400],
        [{ symbol, side: "SELL", type: "STOP_LIMIT", quantity: 1, price: 1 }, 400],
        [{ symbol, side: "BUY", type: "LIMIT", quantity: 1_000_000, price: "1000.00" }, 422]
      ]
      for (const [body, status] of cases) {
        const response = yield* call(app, "/order", as(token, json("POST", body)))
        assert.strictEqual(response.status, status, JSON.stringify(body))
        assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
      }
      const orders = (yield* Effect.flatMap(call(app, "/orders", as(token)), (r) => Effect.promise(() => r.json()))) as Array<unknown>
      assert.deepStrictEqual(orders, [])
    })
  )

  it.scopedLive("a bad order's problem names the field and what it needs", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const errorsOf = (body: unknown) =>
        Effect.flatMap(call(app, "/order", as(token, json("POST", body))), (r) => Effect.promise(() => r.json() as Promise<{ errors: Array<{ path: string; message: string }> }>))
      const offTick = yield* errorsOf({ symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "9.005" })
      assert.deepStrictEqual(offTick.errors.map((e) => e.path), ["price"])
      assert.include(offTick.errors[0]!.message, "is not a multiple of 0.01")
      const noPrice = yield* errorsOf({ symbol, side: "BUY", type: "STOP_LIMIT", quantity: 1 })
      assert.deepStrictEqual(noPrice.errors.map((e) => e.path), ["price", "stopPrice"])
      assert.match(noPrice.errors[0]!.message, /^is missing/)
    })
  )

  it.scopedLive("one user cannot see another's order", () =>
    Effect.gen(function* () {
      const { app, symbol, token } = yield* exchange
      const placed = yield* call(app, "/order", as(token, json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: 1 })))
      const { orderId } = (yield* Effect.promise(() => placed.json())) as { orderId: string }
      const other = yield* call(app, "/auth/register", json("POST", { email: "other@example.com", password: "password1" }))
      const { token: otherToken } = (yield* Effect.promise(() => other.json())) as { token: string }
      const peek = yield* call(app, `/order/${orderId}`, as(otherToken))
      assert.strictEqual(peek.status, 404)
      const cancel = yield* call(app, `/order/${orderId}`, as(otherToken, { method: "DELETE" }))
      assert.strictEqual(cancel.status, 404)
    })
  )
})
