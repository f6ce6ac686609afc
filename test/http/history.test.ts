// The read models over HTTP, on a seeded series in a real PostgreSQL: recent trades, candles of
// every width, /analytics/trends buckets and a user's order history; bad query parameters are
// 400 problems, never a 500.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { insertTrades, type Trade } from "../../src/storage/repos/trades.js"
import { insertTrendMetrics, type TrendSample } from "../../src/storage/repos/trend-metrics.js"
import { type OrderRecord, upsertOrders } from "../../src/storage/repos/orders.js"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { eventually } from "../support/eventually.js"
import { ADMIN_TOKEN, call, json, SIGNAL_TOKEN, testEdge, testExchangeServices } from "./test-edge.js"

const SYMBOL = "VIRAL/SA_TEST_HISTORY_001"
const at = (time: string) => new Date(`2024-01-01T${time}Z`)
const window = "from=2024-01-01T10:00:00Z&to=2024-01-01T12:00:00Z"

const trade = (n: number, time: string, cents: number, quantity: number): Trade => ({
  tradeId: `T${n}`, symbol: SYMBOL, seq: BigInt(n), priceCents: BigInt(cents), quantity: BigInt(quantity),
  buyerUserId: "u_buyer", sellerUserId: "u_seller", buyOrderId: `B${n}`, sellOrderId: `S${n}`,
  makerSide: n % 2 === 0 ? "BUY" : "SELL", executedAt: at(time), sourceShard: 0, sourceEpoch: 1n
})

/** Five trades: two in 10:00, one in 10:01, one in 10:05, one in 11:02. */
const trades = [
  trade(1, "10:00:10", 10_000, 1),
  trade(2, "10:00:40", 10_150, 2),
  trade(3, "10:01:05", 9_900, 3),
  trade(4, "10:05:30", 10_200, 4),
  trade(5, "11:02:00", 10_300, 5)
]

const sample = (time: string, virality: number, sentiment: number, volume: number): TrendSample => ({
  symbol: SYMBOL, observedAt: at(time), viralityScore: virality, sentiment, velocity: 1, volume: BigInt(volume), engagementRate: 0.5
})

const samples = [sample("10:00:00", 10, 0.5, 100), sample("10:02:00", 20, -0.5, 300), sample("10:07:00", 40, 0.25, 500), sample("11:30:00", 60, 1, 700)]

const order = (userId: string, orderId: string, status: OrderRecord["status"], minute: number): OrderRecord => ({
  orderId, userId, symbol: SYMBOL, side: "BUY", type: "LIMIT", timeInForce: "GTC", status, priceCents: 1_250n, stopPriceCents: null,
  quantity: 10n, filled: status === "FILLED" ? 10n : 0n, avgPriceCents: status === "FILLED" ? 1_249n : null, clientOrderId: null,
  version: 3n, createdAt: new Date(Date.UTC(2024, 0, 1, 10, minute)), updatedAt: new Date(Date.UTC(2024, 0, 1, 10, minute + 1))
})

/** An edge on a fresh database holding the seeded series. */
const seededEdge = Effect.gen(function* () {
  const edge = yield* testEdge()
  yield* Effect.promise(() => edge.runtime.runPromise(Effect.all([insertTrades(trades), insertTrendMetrics(samples)])))
  return edge
})

const get = (app: Parameters<typeof call>[0], path: string, init?: RequestInit) =>
  Effect.flatMap(call(app, path, init), (response) =>
    Effect.promise(async () => ({ status: response.status, type: response.headers.get("content-type"), body: (await response.json()) as any })))

/** A 400 problem document naming `field`. */
const assertBadField = (reply: { status: number; type: string | null; body: any }, field: string) => {
  assert.strictEqual(reply.status, 400)
  assert.strictEqual(reply.type, "application/problem+json")
  assert.include(JSON.stringify(reply.body.errors ?? reply.body.detail), field)
}

describe("read models over HTTP", () => {
  it.scopedLive("recent trades come newest first, limited, with decimal prices and no user ids", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      const reply = yield* get(app, `/market/${SYMBOL}/trades?limit=3`)
      assert.strictEqual(reply.status, 200)
      assert.deepStrictEqual(reply.body, [
        { tradeId: "T5", symbol: SYMBOL, seq: 5, price: "103.00", quantity: 5, side: "BUY", timestamp: "2024-01-01T11:02:00.000Z" },
        { tradeId: "T4", symbol: SYMBOL, seq: 4, price: "102.00", quantity: 4, side: "SELL", timestamp: "2024-01-01T10:05:30.000Z" },
        { tradeId: "T3", symbol: SYMBOL, seq: 3, price: "99.00", quantity: 3, side: "BUY", timestamp: "2024-01-01T10:01:05.000Z" }
      ])
      // The URL-encoded symbol names the same market.
      assert.strictEqual((yield* get(app, `/market/${encodeURIComponent(SYMBOL)}/trades`)).body.length, 5)
    }))

  it.scopedLive("1-minute candles are built from the trades of each minute", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      const reply = yield* get(app, `/market/${SYMBOL}/candles?interval=1m&${window}`)
      assert.strictEqual(reply.status, 200)
      assert.deepStrictEqual(reply.body, [
        { timestamp: "2024-01-01T10:00:00.000Z", open: "100.00", high: "101.50", low: "100.00", close: "101.50", volume: 3, trades: 2 },
        { timestamp: "2024-01-01T10:01:00.000Z", open: "99.00", high: "99.00", low: "99.00", close: "99.00", volume: 3, trades: 1 },
        { timestamp: "2024-01-01T10:05:00.000Z", open: "102.00", high: "102.00", low: "102.00", close: "102.00", volume: 4, trades: 1 },
        { timestamp: "2024-01-01T11:02:00.000Z", open: "103.00", high: "103.00", low: "103.00", close: "103.00", volume: 5, trades: 1 }
      ])
    }))

  it.scopedLive("wider candles merge their minutes: open of the first, close of the last, summed volume", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      assert.deepStrictEqual((yield* get(app, `/market/${SYMBOL}/candles?interval=5m&${window}`)).body, [
        { timestamp: "2024-01-01T10:00:00.000Z", open: "100.00", high: "101.50", low: "99.00", close: "99.00", volume: 6, trades: 3 },
        { timestamp: "2024-01-01T10:05:00.000Z", open: "102.00", high: "102.00", low: "102.00", close: "102.00", volume: 4, trades: 1 },
        { timestamp: "2024-01-01T11:00:00.000Z", open: "103.00", high: "103.00", low: "103.00", close: "103.00", volume: 5, trades: 1 }
      ])
      assert.deepStrictEqual((yield* get(app, `/market/${SYMBOL}/candles?interval=1h&${window}`)).body, [
        { timestamp: "2024-01-01T10:00:00.000Z", open: "100.00", high: "102.00", low: "99.00", close: "102.00", volume: 10, trades: 4 },
        { timestamp: "2024-01-01T11:00:00.000Z", open: "103.00", high: "103.00", low: "103.00", close: "103.00", volume: 5, trades: 1 }
      ])
      // The window is [from, to): the 11:02 trade is outside one that ends at 11:00.
      assert.strictEqual((yield* get(app, `/market/${SYMBOL}/candles?interval=1d&from=2024-01-01T00:00:00Z&to=2024-01-01T11:00:00Z`)).body[0].volume, 10)
    }))

  it.scopedLive("bad trade and candle parameters are 400 problems; a non-market symbol is 404", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      assertBadField(yield* get(app, `/market/${SYMBOL}/trades?limit=0`), "limit")
      assertBadField(yield* get(app, `/market/${SYMBOL}/trades?limit=ten`), "limit")
      assertBadField(yield* get(app, `/market/${SYMBOL}/candles?interval=2m`), "interval")
      assertBadField(yield* get(app, `/market/${SYMBOL}/candles?from=yesterday`), "from")
      assertBadField(yield* get(app, `/market/${SYMBOL}/candles?from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z`), "from must be a valid time before to")
      const unknown = yield* get(app, "/market/not-a-symbol/trades")
      assert.strictEqual(unknown.status, 404)
      assert.strictEqual(unknown.type, "application/problem+json")
    }))

  it.scopedLive("/analytics/trends averages the signals per timeframe bucket, raw or hourly", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      const fiveMinutes = yield* get(app, `/analytics/trends?symbol=${encodeURIComponent(SYMBOL)}&timeframe=5m&metrics=viralityScore,volume&${window}`)
      assert.strictEqual(fiveMinutes.status, 200)
      assert.deepStrictEqual(fiveMinutes.body, {
        symbol: SYMBOL, timeframe: "5m", from: "2024-01-01T10:00:00.000Z", to: "2024-01-01T12:00:00.000Z", metrics: ["viralityScore", "volume"],
        data: [
          { timestamp: "2024-01-01T10:00:00.000Z", samples: 2, viralityScore: 15, volume: 200 },
          { timestamp: "2024-01-01T10:05:00.000Z", samples: 1, viralityScore: 40, volume: 500 },
          { timestamp: "2024-01-01T11:30:00.000Z", samples: 1, viralityScore: 60, volume: 700 }
        ]
      })
      const hourly = yield* get(app, `/analytics/trends?symbol=${encodeURIComponent(SYMBOL)}&timeframe=1h&metrics=sentiment&${window}`)
      assert.deepStrictEqual(hourly.body.data.map((b: any) => [b.timestamp, b.samples]), [["2024-01-01T10:00:00.000Z", 3], ["2024-01-01T11:00:00.000Z", 1]])
      assert.closeTo(hourly.body.data[0].sentiment, 0.25 / 3, 1e-9)
      assert.deepStrictEqual(Object.keys(hourly.body.data[1]).sort(), ["samples", "sentiment", "timestamp"])
    }))

  it.scopedLive("bad /analytics/trends parameters are 400 problems", () =>
    Effect.gen(function* () {
      const { app } = yield* seededEdge
      const symbol = encodeURIComponent(SYMBOL)
      assertBadField(yield* get(app, "/analytics/trends?timeframe=1h"), "symbol")
      assertBadField(yield* get(app, "/analytics/trends?symbol=bitcoin"), "symbol")
      assertBadField(yield* get(app, `/analytics/trends?symbol=${symbol}&timeframe=3h`), "timeframe")
      assertBadField(yield* get(app, `/analytics/trends?symbol=${symbol}&metrics=viralityScore,price`), "metrics")
      assertBadField(yield* get(app, `/analytics/trends?symbol=${symbol}&to=soon`), "to")
    }))

  it.scopedLive("/orders/history lists the caller's recorded orders newest first, filtered by status", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* seededEdge
      const registered = yield* get(app, "/auth/register", json("POST", { email: "history@example.com", password: "password1" }))
      const { userId, token } = registered.body as { userId: string; token: string }
      yield* Effect.promise(() =>
        runtime.runPromise(upsertOrders([order(userId, "O1", "FILLED", 1), order(userId, "O2", "CANCELLED", 2), order(userId, "O3", "FILLED", 3), order("someone-else", "O4", "FILLED", 4)]))
      )
      const auth = { headers: { Authorization: `Bearer ${token}` } }
      const all = yield* get(app, "/orders/history", auth)
      assert.strictEqual(all.status, 200)
      assert.deepStrictEqual(all.body.map((o: any) => [o.orderId, o.status]), [["O3", "FILLED"], ["O2", "CANCELLED"], ["O1", "FILLED"]])
      assert.deepInclude(all.body[0], { price: "12.50", avgPrice: "12.49", quantity: 10, filled: 10, createdAt: "2024-01-01T10:03:00.000Z" })
      const filled = yield* get(app, "/orders/history?status=FILLED&limit=1", auth)
      assert.deepStrictEqual(filled.body.map((o: any) => o.orderId), ["O3"])
      assert.deepStrictEqual((yield* get(app, "/orders/history?status=FILLED,CANCELLED", auth)).body.length, 3)
      assertBadField(yield* get(app, "/orders/history?status=DONE", auth), "status")
      assert.strictEqual((yield* get(app, "/orders/history")).status, 401)
    }))

  it.scopedLive("through the exchange, a fill reaches /trades, /candles and /orders/history, and a signal /analytics/trends", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices({ record: true }))
      const { symbol } = yield* Effect.promise(() =>
        runtime.runPromise(Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "Springboks win", indexPrice: 1000 }))))
      )
      const { userId, token } = (yield* get(app, "/auth/register", json("POST", { email: "recorded@example.com", password: "password1" }))).body
      yield* get(app, `/admin/wallets/${userId}/credit`, json("POST", { currency: "ZAR", amount: "5000.00" }, { Authorization: `Bearer ${ADMIN_TOKEN}` }))
      const auth = { Authorization: `Bearer ${token}` }
      // Crosses the house market maker's ask: fills at once.
      const placed = yield* get(app, "/order", json("POST", { symbol, side: "BUY", type: "LIMIT", quantity: 5, price: "12.00" }, auth))
      assert.strictEqual(placed.status, 201)
      const history = yield* eventually(get(app, "/orders/history", { headers: auth }), (r) => r.body.length === 1 && r.body[0].status === "FILLED", "the filled order in the record")
      assert.strictEqual(history.body[0].orderId, placed.body.orderId)
      const trades = yield* eventually(get(app, `/market/${symbol}/trades`), (r) => r.body.length > 0, "the trades in the record")
      assert.strictEqual(trades.body.reduce((n: number, t: any) => n + t.quantity, 0), 5)
      assert.isTrue(trades.body.every((t: any) => t.side === "BUY" && t.symbol === symbol))
      const candles = yield* eventually(get(app, `/market/${symbol}/candles`), (r) => r.body.length > 0, "a candle")
      assert.strictEqual(candles.body.reduce((n: number, k: any) => n + k.volume, 0), 5)
      // A signal with its own observation time lands in that time's bucket; without a velocity it counts as 1, the neutral one.
      const observedAt = "2026-01-01T10:20:00.000Z"
      const signal = yield* get(app, "/signals", json("POST", { topic: "Springboks win", viralityScore: 70, sentiment: 0.5, volume: 1200, engagementRate: 0.25, observedAt }, { Authorization: `Bearer ${SIGNAL_TOKEN}` }))
      assert.strictEqual(signal.status, 202)
      const trends = yield* eventually(
        get(app, `/analytics/trends?symbol=${encodeURIComponent(symbol)}&timeframe=1h&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z`),
        (r) => r.body.data.length === 1,
        "the signal in the record"
      )
      assert.deepStrictEqual(trends.body.data[0], { timestamp: "2026-01-01T10:00:00.000Z", samples: 1, viralityScore: 70, sentiment: 0.5, velocity: 1, volume: 1200, engagementRate: 0.25 })
    }))
})
