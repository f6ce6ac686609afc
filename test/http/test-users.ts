// Test helpers on top of test-edge: accounts with money, bearer headers, JSON bodies, and a market
// whose house maker quotes a known ladder, so HTTP tests can trade with exact numbers.
import { Effect } from "effect"
import { Book, GetBook } from "../../src/actors/book/protocol.js"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import type { EdgeRuntime } from "../../src/http/edge-runtime.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { eventually } from "../support/eventually.js"
import { ADMIN_TOKEN, call, json } from "./test-edge.js"

type App = Parameters<typeof call>[0]

/** `init` with `Authorization: Bearer <token>`. */
export const as = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` }
})

/** The response's JSON body. */
export const bodyOf = <A = any>(response: Response) => Effect.promise(() => response.json() as Promise<A>)

/** GET `path` as `token` and read its JSON. */
export const getJson = <A = any>(app: App, path: string, token?: string) =>
  Effect.flatMap(call(app, path, token === undefined ? {} : as(token)), (r) => bodyOf<A>(r))

/** Registers `email` and credits `amount` ZAR to it (when given). */
export const registerUser = (app: App, email: string, amount?: string) =>
  Effect.gen(function* () {
    const registered = yield* call(app, "/auth/register", json("POST", { email, password: "password1" }))
    const user = yield* bodyOf<{ userId: string; token: string }>(registered)
    if (amount !== undefined) {
      const credit = yield* call(app, `/admin/wallets/${user.userId}/credit`, json("POST", { currency: "ZAR", amount }, { Authorization: `Bearer ${ADMIN_TOKEN}` }))
      if (credit.status !== 200) return yield* Effect.dieMessage(`credit failed with ${credit.status}`)
    }
    return user
  })

/**
 * Lists "DJ Zinhle dance challenge" at R10.00 with a house maker quoting two asks of 5 units,
 * 10.10 and 10.60 (no bids: the house already holds its inventory limit), and waits until they rest.
 */
export const listLadderMarket = (runtime: EdgeRuntime) =>
  Effect.promise(() =>
    runtime.runPromise(
      Effect.gen(function* () {
        const client = yield* ActorClient
        const { symbol } = yield* client.ask(
          Listing.ref(LISTING_KEY),
          new ListTrend({
            topic: "DJ Zinhle dance challenge",
            indexPrice: 1000,
            marketMaker: { levels: 2, spreadBps: 100, stepBps: 500, size: 5, maxUnits: 1_000_000, minCash: 0 }
          })
        )
        yield* eventually(client.ask(Book.ref(symbol), new GetBook({ depth: 5 })), (b) => b.asks.length === 2, "the maker's ladder")
        return symbol
      })
    )
  )
