// A real edge on an ephemeral port with a node running every actor, for the WebSocket suites:
// HTTP through fetch, `/ws` through the `ws` client, one listed market, helpers to register
// and credit users and to place orders.
import { Effect, Layer } from "effect"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { AuthConfig } from "../../src/http/auth/principal.js"
import { issueToken } from "../../src/http/auth/tokens.js"
import type { EdgeServices } from "../../src/http/edge-runtime.js"
import { serveEdge } from "../../src/http/edge-server.js"
import type { FeedGatewayOptions } from "../../src/http/ws/feed-gateway.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { ADMIN_TOKEN, testExchangeServices } from "./test-edge.js"

/** A JSON answer of the edge. */
export interface Answer<T = any> {
  readonly status: number
  readonly body: T
}

/** Starts the exchange and its edge for the scope (on the shared Redis unless `redisUrl`); lists one market. */
export const liveExchange = (ws: FeedGatewayOptions = {}, options: { readonly redisUrl?: string } = {}) =>
  Effect.gen(function* () {
    const context = yield* Layer.build(testExchangeServices(options) as Layer.Layer<EdgeServices, unknown>)
    const server = yield* serveEdge({ port: 0, host: "127.0.0.1", ws }).pipe(Effect.provide(context), Effect.orDie)
    const base = `http://127.0.0.1:${server.port}`
    const run = <A, E>(effect: Effect.Effect<A, E, EdgeServices>) => Effect.orDie(Effect.provide(effect, context))
    const { symbol } = yield* run(Effect.flatMap(ActorClient, (c) => c.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "DJ Zinhle dance challenge", indexPrice: 1000 }))))

    const http = <T = any>(method: string, path: string, body?: unknown, token?: string): Effect.Effect<Answer<T>> =>
      Effect.promise(async () => {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {})
        })
        const text = await response.text()
        return { status: response.status, body: (text === "" ? undefined : JSON.parse(text)) as T }
      })

    /** Registers a user and credits R100,000. */
    const trader = (email: string) =>
      Effect.gen(function* () {
        const registered = yield* http<{ userId: string; token: string }>("POST", "/auth/register", { email, password: "password1" })
        const { userId, token } = registered.body
        const credit = yield* http("POST", `/admin/wallets/${userId}/credit`, { currency: "ZAR", amount: "100000.00" }, ADMIN_TOKEN)
        if (credit.status !== 200) return yield* Effect.dieMessage(`credit failed: ${JSON.stringify(credit.body)}`)
        return { userId, token }
      })

    /** A user token for `userId` that expires `ttlSeconds` from now (a JWT's `exp` counts whole seconds). */
    const tokenFor = (userId: string, ttlSeconds: number) =>
      run(Effect.flatMap(AuthConfig, (auth) => issueToken({ userId, role: "user" }).pipe(Effect.provideService(AuthConfig, { ...auth, tokenTtlSeconds: ttlSeconds }))))

    /** The book as GET /market/:symbol/orderbook shows it. */
    const orderbook = (depth = 500) => http<RestBook>("GET", `/market/${encodeURIComponent(symbol)}/orderbook?depth=${depth}`).pipe(Effect.map((a) => a.body))

    /** Another edge on the same cluster, with its own feed reader (as a second edge process would have). */
    const anotherEdge = (options: FeedGatewayOptions = {}) =>
      Effect.map(serveEdge({ port: 0, host: "127.0.0.1", ws: options }).pipe(Effect.provide(context), Effect.orDie), (other) => ({
        server: other,
        wsUrl: `ws://127.0.0.1:${other.port}/ws`
      }))

    return { server, base, wsUrl: `ws://127.0.0.1:${server.port}/ws`, run, symbol, http, trader, tokenFor, orderbook, anotherEdge }
  })

/** One level on the wire. */
export interface Level {
  readonly price: string
  readonly quantity: number
}

/** GET /market/:symbol/orderbook. */
export interface RestBook {
  readonly symbol: string
  readonly seq: number
  readonly bids: ReadonlyArray<Level>
  readonly asks: ReadonlyArray<Level>
}

/** The exchange of a test. */
export type LiveExchange = Effect.Effect.Success<ReturnType<typeof liveExchange>>
