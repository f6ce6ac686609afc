// Read models from PostgreSQL (DESIGN §5), written by the sink: a market's recent trades and
// candles (`/market/:symbol/trades`, `/candles`, dispatched from the market route because raw
// symbols carry a slash) and a user's order history (`/orders/history`; `GET /orders` stays the
// wallet's live view).
import { Effect, Schema } from "effect"
import { Hono, type Context } from "hono"
import { formatCents } from "../../domain/money.js"
import { isMarketSymbol } from "../../domain/symbol.js"
import { readCandles } from "../../storage/repos/candles.js"
import { type OrderRecord, ordersByUser, OrderStatus } from "../../storage/repos/orders.js"
import { recentTrades, type Trade } from "../../storage/repos/trades.js"
import type { RouteDoc } from "../api-docs.js"
import { authenticate, requireRole } from "../auth/tokens.js"
import { decodePathSegment, decodeQuery } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { HttpProblem } from "../problem.js"
import { runHandler } from "../run.js"
import { Window } from "../time-window.js"

/** `?limit=`: 1 to 1,000 rows, 100 by default. */
const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 1000))

/** Candle widths, in seconds. */
const intervals = { "1m": 60, "5m": 300, "15m": 900, "1h": 3600, "1d": 86_400 } as const

/** `GET /market/:symbol/trades`. */
export const TradesQuery = Schema.Struct({ limit: Schema.optional(Limit) })

/** `GET /market/:symbol/candles`: width (1m by default) and window (the last 24 hours by default). */
export const CandlesQuery = Schema.Struct({
  interval: Schema.optional(Schema.Literal(...(Object.keys(intervals) as Array<keyof typeof intervals>))),
  ...Window.fields
})

/** `GET /orders/history`: one status or several, comma-separated. */
export const OrderHistoryQuery = Schema.Struct({
  status: Schema.optional(Schema.compose(Schema.split(","), Schema.Array(OrderStatus))),
  limit: Schema.optional(Limit)
})

/** Operations of this sub-app, for the OpenAPI document. */
export const historyDocs: ReadonlyArray<RouteDoc> = [
  { method: "get", path: "/market/:symbol/trades", tag: "markets", summary: "Recent trades of a market, newest first (?limit=1..1000, default 100)", responses: { 200: "trades", 400: "bad limit", 404: "not a market symbol" } },
  { method: "get", path: "/market/:symbol/candles", tag: "markets", summary: "OHLCV candles, oldest first (?interval=1m|5m|15m|1h|1d&from=&to=, ISO-8601; default: 1m over the last 24 h)", responses: { 200: "candles", 400: "bad interval or window", 404: "not a market symbol" } },
  { method: "get", path: "/orders/history", tag: "orders", summary: "Your order history from the record, newest first (?status=FILLED,CANCELLED&limit=)", auth: "user", responses: { 200: "orders", 400: "bad status or limit", 401: "no token" } }
]

const iso = (d: Date) => d.toISOString()
const cents = (n: bigint | null) => (n === null ? null : formatCents(Number(n)))

/** A public trade: no user or order ids. `side` is the taker's. */
const presentTrade = (t: Trade) => ({
  tradeId: t.tradeId,
  symbol: t.symbol,
  seq: Number(t.seq),
  price: formatCents(Number(t.priceCents)),
  quantity: Number(t.quantity),
  side: t.makerSide === "BUY" ? "SELL" : "BUY",
  timestamp: iso(t.executedAt)
})

const presentOrderRecord = (o: OrderRecord) => ({
  orderId: o.orderId,
  ...(o.clientOrderId === null ? {} : { clientOrderId: o.clientOrderId }),
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  timeInForce: o.timeInForce,
  status: o.status,
  quantity: Number(o.quantity),
  price: cents(o.priceCents),
  stopPrice: cents(o.stopPriceCents),
  filled: Number(o.filled),
  avgPrice: cents(o.avgPriceCents),
  createdAt: iso(o.createdAt),
  updatedAt: iso(o.updatedAt)
})

/** The symbol of a market path, or a 404 when it cannot name a market. */
const marketSymbol = (encoded: string) =>
  Effect.flatMap(decodePathSegment(encoded, "symbol"), (symbol) =>
    isMarketSymbol(symbol)
      ? Effect.succeed(symbol)
      : Effect.fail(new HttpProblem({ status: 404, title: "Not found", detail: `"${symbol}" is not a market symbol` })))

const trades = (c: Context, encoded: string) =>
  Effect.gen(function* () {
    const symbol = yield* marketSymbol(encoded)
    const query = yield* decodeQuery(c, TradesQuery)
    return c.json((yield* recentTrades(symbol, query.limit ?? 100)).map(presentTrade))
  })

const candles = (c: Context, encoded: string) =>
  Effect.gen(function* () {
    const symbol = yield* marketSymbol(encoded)
    const query = yield* decodeQuery(c, CandlesQuery)
    const range = Window.resolve(query, intervals[query.interval ?? "1m"])
    return c.json(
      (yield* readCandles(symbol, range)).map((k) => ({
        timestamp: iso(k.start),
        open: formatCents(Number(k.openCents)),
        high: formatCents(Number(k.highCents)),
        low: formatCents(Number(k.lowCents)),
        close: formatCents(Number(k.closeCents)),
        volume: Number(k.volume),
        trades: k.tradeCount
      }))
    )
  })

const suffixes = { "/trades": trades, "/candles": candles } as const

/**
 * Answers `/market/<symbol>/trades` and `/market/<symbol>/candles` (symbol raw or URL-encoded);
 * undefined for any other market path, which the market route answers itself.
 */
export const marketHistory = (runtime: EdgeRuntime, c: Context): Promise<Response> | undefined => {
  const rest = c.req.path.slice("/market/".length)
  for (const [suffix, handler] of Object.entries(suffixes)) {
    if (rest.endsWith(suffix)) return runHandler(runtime, c, handler(c, rest.slice(0, -suffix.length)))
  }
  return undefined
}

/** The order history sub-app. */
export const historyRoutes = (runtime: EdgeRuntime) =>
  new Hono().get("/orders/history", (c) =>
    runHandler(
      runtime,
      c,
      Effect.gen(function* () {
        const principal = yield* requireRole(yield* authenticate(c.req.header("Authorization")), "user")
        const query = yield* decodeQuery(c, OrderHistoryQuery)
        const orders = yield* ordersByUser({ userId: principal.userId, statuses: query.status, limit: query.limit ?? 100 })
        return c.json(orders.map(presentOrderRecord))
      })
    )
  )
