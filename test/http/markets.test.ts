import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually } from "../support/eventually.js"
import { call, json, SIGNAL_TOKEN, testEdge, testExchangeServices } from "./test-edge.js"

const signal = (body: unknown, token = SIGNAL_TOKEN) => json("POST", body, { Authorization: `Bearer ${token}` })

interface MarketView {
  readonly symbol: string
  readonly name: string
  readonly currentPrice: string
  readonly priceChange: string
  readonly priceChangePercent: string
  readonly viralityScore: number
  readonly sentiment: number
}

describe("signals and market data", () => {
  it.scopedLive("a signal for a new topic lists it under its normalised symbol; the market view shows its virality", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const posted = yield* call(app, "/signals", signal({ topic: "Bitcoin price spike", viralityScore: 80, sentiment: 0.5, velocity: 0.2 }))
      assert.strictEqual(posted.status, 202)
      assert.deepStrictEqual(yield* Effect.promise(() => posted.json()), { symbol: "VIRAL/SA_CRYPTO_BTC_001", listed: true })
      const view = yield* eventually(
        Effect.flatMap(call(app, "/market/VIRAL%2FSA_CRYPTO_BTC_001"), (r) => Effect.promise(() => r.json() as Promise<MarketView>)),
        (v) => v.viralityScore === 80,
        "the signal to reach the pricing actor"
      )
      assert.strictEqual(view.name, "Bitcoin price spike")
      assert.strictEqual(view.sentiment, 0.5)
      assert.match(view.currentPrice, /^\d+\.\d{2}$/)
      assert.match(view.priceChange, /^[+-]\d+\.\d{2}$/)
      assert.match(view.priceChangePercent, /^[+-]\d+\.\d{2}%$/)
      // The raw symbol with its slash names the same market.
      const raw = (yield* Effect.flatMap(call(app, "/market/VIRAL/SA_CRYPTO_BTC_001"), (r) => Effect.promise(() => r.json()))) as MarketView
      assert.strictEqual(raw.symbol, "VIRAL/SA_CRYPTO_BTC_001")
    })
  )

  it.scopedLive("markets are listed most viral first", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      yield* call(app, "/signals", signal({ topic: "Springboks win", viralityScore: 40, sentiment: 0.9 }))
      yield* call(app, "/signals", signal({ topic: "DJ Zinhle dance challenge", viralityScore: 95, sentiment: 0.1 }))
      const markets = yield* eventually(
        Effect.flatMap(call(app, "/markets"), (r) => Effect.promise(() => r.json() as Promise<Array<MarketView>>)),
        (ms) => ms.length === 2 && ms.every((m) => m.viralityScore > 0),
        "both markets priced"
      )
      assert.deepStrictEqual(markets.map((m) => m.symbol), ["VIRAL/SA_DJ_ZINHLE_001", "VIRAL/SA_SPORTS_SPRINGBOKS_001"])
    })
  )

  it.scopedLive("signals need the ML-service credential and a valid body; unknown markets are 404", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const registered = yield* call(app, "/auth/register", json("POST", { email: "u@example.com", password: "password1" }))
      const { token } = (yield* Effect.promise(() => registered.json())) as { token: string }
      assert.strictEqual((yield* call(app, "/signals", signal({ topic: "x", viralityScore: 1, sentiment: 0 }, token))).status, 403)
      assert.strictEqual((yield* call(app, "/signals", json("POST", { topic: "x", viralityScore: 1, sentiment: 0 }))).status, 401)
      assert.strictEqual((yield* call(app, "/signals", signal({ topic: "x", viralityScore: 150, sentiment: 0 }))).status, 400)
      assert.strictEqual((yield* call(app, "/signals", signal({ topic: "x", viralityScore: 10, sentiment: 2 }))).status, 400)
      assert.strictEqual((yield* call(app, "/market/VIRAL%2FSA_NOPE_001")).status, 404)
      const markets = (yield* Effect.flatMap(call(app, "/markets"), (r) => Effect.promise(() => r.json()))) as Array<unknown>
      assert.deepStrictEqual(markets, [], "nothing was listed by the refused signals")
    })
  )

  it.scopedLive("a signal without velocity moves the price as velocity 1 does, not back to the base", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const price = (expected: (p: MarketView) => boolean, what: string) =>
        eventually(Effect.flatMap(call(app, "/market/VIRAL%2FSA_TV_IDOLS_FINALE_001"), (r) => Effect.promise(() => r.json() as Promise<MarketView>)), expected, what)
      yield* call(app, "/signals", signal({ topic: "Idols finale", category: "TV", viralityScore: 50, sentiment: 0.5, velocity: 1 }))
      yield* price((v) => v.viralityScore === 50, "the listing signal")
      yield* call(app, "/signals", signal({ topic: "Idols finale", category: "TV", viralityScore: 90, sentiment: 0.5, velocity: 1 }))
      const moved = yield* price((v) => v.viralityScore === 90, "the rise to 90")
      yield* call(app, "/signals", signal({ topic: "Idols finale", category: "TV", viralityScore: 30, sentiment: 0.5 }))
      yield* price((v) => v.viralityScore === 30, "the fall to 30")
      yield* call(app, "/signals", signal({ topic: "Idols finale", category: "TV", viralityScore: 90, sentiment: 0.5 }))
      const again = yield* price((v) => v.viralityScore === 90, "the rise to 90 without velocity")
      assert.strictEqual(again.currentPrice, moved.currentPrice)
    })
  )

  it.scopedLive("a symbol that is not valid URL encoding is a 400 problem on every market path", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      for (const path of ["/market/%E0%A4%A", "/market/%ZZ/orderbook", "/market/%ZZ/trades", "/market/%ZZ/candles"]) {
        const response = yield* call(app, path)
        assert.strictEqual(response.status, 400, path)
        assert.strictEqual(response.headers.get("content-type"), "application/problem+json", path)
        const body = (yield* Effect.promise(() => response.json())) as { detail: string }
        assert.match(body.detail, /URL encoding/, path)
      }
    })
  )
})
