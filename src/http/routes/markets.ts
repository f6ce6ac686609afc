// Market data and trend signals: the market view of the seeds (`GET /market/:symbol`,
// `GET /markets` ordered by virality) and `POST /signals` for ML services, which lists a new
// trend through the normaliser or feeds its pricing actor.
import { Effect, Schema } from "effect"
import { Hono, type Context } from "hono"
import { Book, GetBook } from "../../actors/book/protocol.js"
import { GetMarket, GetMarkets, Listing, LISTING_KEY, ListTrend, type MarketInfo } from "../../actors/listing/protocol.js"
import { GetPrice, Pricing, Signal } from "../../actors/pricing/protocol.js"
import { formatCents } from "../../domain/money.js"
import { ActorClient } from "../../runtime/actor-client.js"
import type { RouteDoc } from "../api-docs.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import { decodeBody, decodePathSegment } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { runHandler } from "../run.js"
import { marketHistory } from "./history.js"

/** The velocity of a signal that gives none: the multiplier that leaves Δvirality as it is. */
const NEUTRAL_VELOCITY = 1

/** `POST /signals`: one observation of a trend by an ML service. */
export const SignalRequest = Schema.Struct({
  topic: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  category: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(40))),
  viralityScore: Schema.Number.pipe(Schema.between(0, 100)),
  sentiment: Schema.Number.pipe(Schema.between(-1, 1)),
  /** The velocity multiplier; absent means 1, the formula's neutral value (0 would freeze the price at its base). */
  velocity: Schema.optional(Schema.Number.pipe(Schema.between(-1000, 1000))),
  volume: Schema.optional(Schema.NonNegative),
  engagementRate: Schema.optional(Schema.Number.pipe(Schema.between(0, 1))),
  observedAt: Schema.optional(Schema.Date)
})

/** Operations of this sub-app, for the OpenAPI document. */
export const marketDocs: ReadonlyArray<RouteDoc> = [
  { method: "get", path: "/markets", tag: "markets", summary: "Every listed market, most viral first", responses: { 200: "market views" } },
  { method: "get", path: "/market/:symbol", tag: "markets", summary: "One market (symbol URL-encoded, or raw with its slash)", responses: { 200: "market view", 404: "unknown symbol" } },
  { method: "post", path: "/signals", tag: "signals", summary: "A trend signal from an ML service: lists the trend or moves its index price", auth: "ml-service", body: SignalRequest, responses: { 202: "{ symbol }", 400: "invalid signal", 401: "no token", 403: "not an ML service" } }
]

const signed = (n: number, digits: number) => `${n >= 0 ? "+" : "-"}${Math.abs(n).toFixed(digits)}`

/** The seeds' market view, from the listing, the book and the pricing actor. */
const marketView = (market: MarketInfo) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const [book, price] = yield* Effect.all([client.ask(Book.ref(market.symbol), new GetBook({ depth: 1 })), client.ask(Pricing.ref(market.symbol), new GetPrice())], {
      concurrency: 2
    })
    const current = book.lastPrice > 0 ? book.lastPrice : price.indexPrice
    const change = book.open24h > 0 ? current - book.open24h : 0
    return {
      symbol: market.symbol,
      name: market.topic,
      category: market.category,
      currentPrice: formatCents(current),
      priceChange: signed(change / 100, 2),
      priceChangePercent: `${signed(book.open24h > 0 ? (change / book.open24h) * 100 : 0, 2)}%`,
      volume: book.volume24h,
      viralityScore: price.viralityScore,
      sentiment: price.sentimentPermille / 1000,
      halted: market.halted,
      lastUpdated: new Date(Math.max(book.lastTradeAt, price.updatedAt, market.listedAt)).toISOString()
    }
  })

/** A symbol from the path: `/market/VIRAL%2FSA_X_001` and `/market/VIRAL/SA_X_001` both work. */
const symbolOf = (c: Context) => decodePathSegment(c.req.path.slice("/market/".length), "symbol")

/** The market data and signals sub-app. */
export const marketRoutes = (runtime: EdgeRuntime) =>
  new Hono()
    .get("/markets", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const client = yield* ActorClient
          const markets = yield* client.ask(Listing.ref(LISTING_KEY), new GetMarkets())
          const views = yield* Effect.forEach(markets, marketView, { concurrency: 8 })
          return c.json([...views].sort((a, b) => b.viralityScore - a.viralityScore))
        })
      )
    )
    .get("/market/*", (c) =>
      marketHistory(runtime, c) ??
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const client = yield* ActorClient
          const market = yield* client.ask(Listing.ref(LISTING_KEY), new GetMarket({ symbol: yield* symbolOf(c) }))
          return c.json(yield* marketView(market))
        })
      )
    )
    .post("/signals", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          yield* requireRole(yield* authenticateRequest(c), "ml-service", "operator")
          const signal = yield* decodeBody(c, SignalRequest)
          const client = yield* ActorClient
          const listed = yield* client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: signal.topic, ...(signal.category ? { category: signal.category } : {}) }))
          yield* client.send(
            Pricing.ref(listed.symbol),
            new Signal({
              viralityScore: signal.viralityScore,
              velocityPermille: Math.round((signal.velocity ?? NEUTRAL_VELOCITY) * 1000),
              sentimentPermille: Math.round(signal.sentiment * 1000),
              ...(signal.observedAt === undefined ? {} : { observedAt: signal.observedAt.getTime() }),
              ...(signal.volume === undefined ? {} : { volume: Math.round(signal.volume) }),
              ...(signal.engagementRate === undefined ? {} : { engagementRate: signal.engagementRate })
            })
          )
          return c.json({ symbol: listed.symbol, listed: listed.created }, 202)
        })
      )
    )
