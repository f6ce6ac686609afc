// Operators halt and resume a market: the listing marks it halted (so the edge refuses new
// orders at once) and tells the book, which refuses any order already on its way.
import { Effect, Schema } from "effect"
import { Hono, type Context } from "hono"
import { Listing, LISTING_KEY, SetHalted } from "../../actors/listing/protocol.js"
import { ActorClient } from "../../runtime/actor-client.js"
import type { RouteDoc } from "../api-docs.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import { decodeBody, decodePathSegment } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import type { MarketCache } from "../market-cache.js"
import { HttpProblem } from "../problem.js"
import { runHandler } from "../run.js"

/** `POST /admin/markets/:symbol/halt`. */
export const HaltRequest = Schema.Struct({ reason: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)) })

/** Operations of this sub-app, for the OpenAPI document. */
export const adminMarketDocs: ReadonlyArray<RouteDoc> = [
  { method: "post", path: "/admin/markets/:symbol/halt", tag: "admin", summary: "Halt a market (symbol URL-encoded or raw): new orders are refused with 409", auth: "operator", body: HaltRequest, responses: { 200: "the market, halted", 400: "no reason", 403: "not an operator", 404: "unknown symbol" } },
  { method: "post", path: "/admin/markets/:symbol/resume", tag: "admin", summary: "Resume a halted market", auth: "operator", responses: { 200: "the market, trading again", 403: "not an operator", 404: "unknown symbol" } }
]

const PATH = /^\/admin\/markets\/(.+)\/(halt|resume)$/

const setHalted = (c: Context, markets: MarketCache) =>
  Effect.gen(function* () {
    yield* requireRole(yield* authenticateRequest(c), "operator")
    const match = PATH.exec(c.req.path)
    if (match === null) return yield* new HttpProblem({ status: 404, title: "Not found", detail: `no route for POST ${c.req.path}` })
    const symbol = yield* decodePathSegment(match[1]!, "symbol")
    const halted = match[2] === "halt"
    const reason = halted ? (yield* decodeBody(c, HaltRequest)).reason : undefined
    const client = yield* ActorClient
    const market = yield* client.ask(Listing.ref(LISTING_KEY), new SetHalted({ symbol, halted, ...(reason !== undefined ? { reason } : {}) }))
    markets.forget(symbol)
    markets.forget(market.symbol)
    return c.json({ symbol: market.symbol, halted: market.halted, ...(reason !== undefined ? { reason } : {}) })
  })

/** `/admin/markets/:symbol/halt|resume` (the symbol may carry its raw slash). */
export const adminMarketRoutes = (runtime: EdgeRuntime, markets: MarketCache) => new Hono().post("/admin/markets/*", (c) => runHandler(runtime, c, setHalted(c, markets)))
