// `GET /market/:symbol/orderbook?depth=N`: the book's depth as decimal-string price levels, with
// the `book` feed seq it corresponds to, so a WebSocket client can apply deltas after it.
// Mounted before the `/market/*` catch-all of markets.ts and passes on every other path.
import { Effect, Schema } from "effect"
import { Hono, type Context } from "hono"
import { Book, GetBook, type BookView } from "../../actors/book/protocol.js"
import { GetMarket, Listing, LISTING_KEY } from "../../actors/listing/protocol.js"
import { formatCents } from "../../domain/money.js"
import { ActorClient } from "../../runtime/actor-client.js"
import type { RouteDoc } from "../api-docs.js"
import { decodePathSegment } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { HttpProblem } from "../problem.js"
import { runHandler } from "../run.js"

/** Largest `depth` a client may ask for. */
export const MAX_DEPTH = 500
const DEFAULT_DEPTH = 50

/** `?depth=`: an integer 1..500, default 50. */
const DepthQuery = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, MAX_DEPTH))

/** Operations of this sub-app, for the OpenAPI document. */
export const orderbookDocs: ReadonlyArray<RouteDoc> = [
  {
    method: "get",
    path: "/market/:symbol/orderbook",
    tag: "markets",
    summary: "Order book depth (?depth=1..500, default 50): bids and asks as decimal prices with quantities, and the `book` feed seq it includes",
    responses: { 200: "{ symbol, seq, bids, asks, lastPrice }", 400: "bad depth or symbol", 404: "unknown symbol" }
  }
]

/** One price level on the wire: price in decimal rands, quantity in units. */
export const presentLevels = (levels: ReadonlyArray<readonly [number, number]>) => levels.map(([price, qty]) => ({ price: formatCents(price), quantity: qty }))

/** A depth snapshot on the wire (REST and the WebSocket `orderbook` channel share it). */
export const presentDepth = (view: BookView) => ({
  symbol: view.symbol,
  seq: view.bookSeq,
  bids: presentLevels(view.bids),
  asks: presentLevels(view.asks),
  lastPrice: view.lastPrice > 0 ? formatCents(view.lastPrice) : null
})

const SUFFIX = "/orderbook"

/** The symbol of `/market/<symbol>/orderbook`, URL-encoded or raw with its slash. */
const symbolOf = (path: string) => decodePathSegment(path.slice("/market/".length, -SUFFIX.length), "symbol")

const depthOf = (c: Context) => {
  const raw = c.req.query("depth")
  if (raw === undefined) return Effect.succeed(DEFAULT_DEPTH)
  return Schema.decodeUnknown(DepthQuery)(raw).pipe(
    Effect.mapError(() => new HttpProblem({ status: 400, title: "Invalid request", errors: [{ path: "depth", message: `must be an integer from 1 to ${MAX_DEPTH}` }] }))
  )
}

/** The order book sub-app. */
export const orderbookRoutes = (runtime: EdgeRuntime) =>
  new Hono().get("/market/*", (c, next) => {
    if (!c.req.path.endsWith(SUFFIX)) return next()
    return runHandler(
      runtime,
      c,
      Effect.gen(function* () {
        const symbol = yield* symbolOf(c.req.path)
        const depth = yield* depthOf(c)
        const client = yield* ActorClient
        // The listing answers 404 for an unknown symbol and gives its canonical spelling.
        const market = yield* client.ask(Listing.ref(LISTING_KEY), new GetMarket({ symbol }))
        return c.json(presentDepth(yield* client.ask(Book.ref(market.symbol), new GetBook({ depth }))))
      })
    )
  })
