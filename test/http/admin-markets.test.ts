import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Listing, LISTING_KEY, ListTrend, SetHalted } from "../../src/actors/listing/protocol.js"
import type { EdgeRuntime } from "../../src/http/edge-runtime.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { ADMIN_TOKEN, call, json, SIGNAL_TOKEN, testEdge, testExchangeServices } from "./test-edge.js"
import { eventually } from "../support/eventually.js"
import { as, bodyOf, getJson, registerUser } from "./test-users.js"

const listMarket = (runtime: EdgeRuntime) =>
  Effect.promise(() =>
    runtime.runPromise(Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "Springboks win", indexPrice: 1000, marketMaker: null }))))
  ).pipe(Effect.map((listed) => listed.symbol))

const operator = (init: RequestInit) => as(ADMIN_TOKEN, init)
const restingBid = (symbol: string) => ({ symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" })

describe("halting and resuming a market", () => {
  it.scopedLive("a halted market refuses new orders with a 409 problem, changes no wallet, and GET /market shows it halted", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      const halted = yield* call(app, `/admin/markets/${encodeURIComponent(symbol)}/halt`, operator(json("POST", { reason: "suspicious volume" })))
      assert.strictEqual(halted.status, 200)
      assert.deepStrictEqual(yield* bodyOf(halted), { symbol, halted: true, reason: "suspicious volume" })
      assert.strictEqual((yield* getJson<{ halted: boolean }>(app, `/market/${symbol}`)).halted, true)
      const refused = yield* call(app, "/order", as(user.token, json("POST", restingBid(symbol))))
      assert.strictEqual(refused.status, 409)
      assert.strictEqual(refused.headers.get("content-type"), "application/problem+json")
      assert.strictEqual((yield* bodyOf<{ title: string }>(refused)).title, "Market halted")
      assert.deepStrictEqual(yield* getJson(app, "/orders", user.token), [])
      assert.deepStrictEqual((yield* getJson<{ balances: unknown }>(app, "/wallet", user.token)).balances, { ZAR: { available: "100.00", locked: "0.00" }, USD: { available: "0.00", locked: "0.00" } })
    })
  )

  it.scopedLive("a resumed market (raw symbol with its slash in the path) takes orders again", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      assert.strictEqual((yield* call(app, `/admin/markets/${symbol}/halt`, operator(json("POST", { reason: "news pending" })))).status, 200)
      const resumed = yield* call(app, `/admin/markets/${symbol}/resume`, operator({ method: "POST" }))
      assert.deepStrictEqual(yield* bodyOf(resumed), { symbol, halted: false })
      assert.strictEqual((yield* getJson<{ halted: boolean }>(app, `/market/${symbol}`)).halted, false)
      assert.strictEqual((yield* call(app, "/order", as(user.token, json("POST", restingBid(symbol))))).status, 201)
    })
  )

  it.scopedLive("only operators may halt: a user or ML service is refused with 403, no token with 401, and the market keeps trading", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com")
      const path = `/admin/markets/${encodeURIComponent(symbol)}/halt`
      assert.strictEqual((yield* call(app, path, as(user.token, json("POST", { reason: "mine" })))).status, 403)
      assert.strictEqual((yield* call(app, path, as(SIGNAL_TOKEN, json("POST", { reason: "mine" })))).status, 403)
      assert.strictEqual((yield* call(app, path, json("POST", { reason: "mine" }))).status, 401)
      assert.strictEqual((yield* getJson<{ halted: boolean }>(app, `/market/${symbol}`)).halted, false)
    })
  )

  it.scopedLive("halting an unknown symbol is 404 and a halt without a reason is 400", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      assert.strictEqual((yield* call(app, "/admin/markets/VIRAL%2FSA_NOPE_001/halt", operator(json("POST", { reason: "x" })))).status, 404)
      assert.strictEqual((yield* call(app, `/admin/markets/${encodeURIComponent(symbol)}/halt`, operator(json("POST", {})))).status, 400)
      assert.strictEqual((yield* call(app, `/admin/markets/${encodeURIComponent(symbol)}/pause`, operator(json("POST", {})))).status, 404)
      assert.strictEqual((yield* getJson<{ halted: boolean }>(app, `/market/${symbol}`)).halted, false)
    })
  )

  it.scopedLive("an order that reaches the book after a halt from another edge ends REJECTED with its funds released", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      // This edge has seen the market trading (and keeps it for up to a second)...
      assert.strictEqual((yield* call(app, "/order", as(user.token, json("POST", restingBid(symbol))))).status, 201)
      // ...when another edge halts it, straight through the listing actor.
      yield* Effect.promise(() => runtime.runPromise(Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new SetHalted({ symbol, halted: true, reason: "elsewhere" })))))
      const placed = yield* call(app, "/order", as(user.token, json("POST", restingBid(symbol))))
      if (placed.status === 409) return // the cached entry had already expired: refused at the edge, as above
      assert.strictEqual(placed.status, 201)
      const { orderId } = yield* bodyOf<{ orderId: string }>(placed)
      const order = yield* eventually(getJson<{ status: string; reason: string }>(app, `/order/${orderId}`, user.token), (o) => o.status !== "PENDING", "the book's answer")
      assert.deepStrictEqual([order.status, order.reason], ["REJECTED", "HALTED"])
      // Only the first bid (1.00 plus its fee, 0.01) stays locked.
      const wallet = yield* eventually(getJson<{ balances: { ZAR: { available: string; locked: string } } }>(app, "/wallet", user.token), (w) => w.balances.ZAR.locked === "1.01", "the release")
      assert.deepStrictEqual(wallet.balances.ZAR, { available: "98.99", locked: "1.01" })
    })
  )
})
