import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { EdgeRuntime } from "../../src/http/edge-runtime.js"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { edgeKeys } from "../../src/http/edge-keys.js"
import { eventually } from "../support/eventually.js"
import { ADMIN_TOKEN, call, json, testEdge, testExchangeServices } from "./test-edge.js"
import { as, bodyOf, getJson, registerUser } from "./test-users.js"

const listMarket = (runtime: EdgeRuntime) =>
  Effect.promise(() =>
    runtime.runPromise(Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "Springboks win", indexPrice: 1000, marketMaker: null }))))
  ).pipe(Effect.map((listed) => listed.symbol))

const withKey = (token: string, key: string, body: unknown) => as(token, json("POST", body, { "Idempotency-Key": key }))

describe("Idempotency-Key", () => {
  it.scopedLive("the same POST /order twice places one order and answers the first response again", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      const order = { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" }
      const first = yield* call(app, "/order", withKey(user.token, "order-1", order))
      // The same key and body on another path is another request: refused, not replayed.
      const again = yield* call(app, "/orders", { ...withKey(user.token, "order-1", {}), body: JSON.stringify({ price: "1.00", quantity: 1, type: "LIMIT", side: "BUY", symbol }) })
      assert.strictEqual(first.status, 201)
      assert.strictEqual(again.status, 422)
      // The same body with its keys in another order is the same request.
      const repeat = yield* call(app, "/order", withKey(user.token, "order-1", { price: "1.00", quantity: 1, type: "LIMIT", side: "BUY", symbol }))
      assert.strictEqual(repeat.status, 201)
      assert.strictEqual(repeat.headers.get("idempotent-replayed"), "true")
      const [a, b] = [yield* bodyOf<{ orderId: string }>(first), yield* bodyOf<{ orderId: string }>(repeat)]
      assert.strictEqual(b.orderId, a.orderId)
      assert.deepStrictEqual((yield* getJson<Array<{ orderId: string }>>(app, "/orders", user.token)).map((o) => o.orderId), [a.orderId])
    })
  )

  it.scopedLive("the same key with a different body is a 422 problem and places nothing more", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      assert.strictEqual((yield* call(app, "/order", withKey(user.token, "k", { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" }))).status, 201)
      const other = yield* call(app, "/order", withKey(user.token, "k", { symbol, side: "BUY", type: "LIMIT", quantity: 2, price: "1.00" }))
      assert.strictEqual(other.status, 422)
      assert.strictEqual(other.headers.get("content-type"), "application/problem+json")
      assert.strictEqual((yield* bodyOf<{ title: string }>(other)).title, "Idempotency-Key reused")
      assert.strictEqual((yield* getJson<Array<unknown>>(app, "/orders", user.token)).length, 1)
    })
  )

  it.scopedLive("keys belong to their principal: two users with one key each place their own order", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const order = { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" }
      for (const email of ["a@example.com", "b@example.com"]) {
        const user = yield* registerUser(app, email, "10.00")
        const placed = yield* call(app, "/order", withKey(user.token, "shared", order))
        assert.strictEqual(placed.status, 201)
        assert.isNull(placed.headers.get("idempotent-replayed"))
      }
    })
  )

  it.scopedLive("concurrent duplicates execute once: the others get 409 or the first response", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listMarket(runtime)
      const user = yield* registerUser(app, "trader@example.com", "100.00")
      const order = { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" }
      const responses = yield* Effect.all(Array.from({ length: 8 }, () => call(app, "/order", withKey(user.token, "burst", order))), { concurrency: "unbounded" })
      const executed = responses.filter((r) => r.status === 201 && r.headers.get("idempotent-replayed") === null)
      assert.strictEqual(executed.length, 1)
      for (const r of responses) assert.include([201, 409], r.status)
      assert.strictEqual((yield* getJson<Array<unknown>>(app, "/orders", user.token)).length, 1)
    })
  )

  it.scopedLive("a repeat while the first still runs gets 409; a first that failed with 5xx is not kept, so a repeat runs again", () =>
    Effect.gen(function* () {
      // No node serves this cluster: the order's first ask waits out its 5 s timeout (504).
      const { app, runtime } = yield* testEdge()
      const user = yield* registerUser(app, "trader@example.com")
      const order = { symbol: "VIRAL/SA_X_001", side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" }
      const first = yield* Effect.fork(call(app, "/order", withKey(user.token, "slow", order)))
      const marker = Effect.promise(() =>
        runtime.runPromise(
          Effect.gen(function* () {
            const key = edgeKeys.idempotency((yield* ActorClient).keys.prefix, user.userId, "slow")
            return yield* (yield* RedisClient).call("read marker", (r) => r.get(key))
          })
        )
      )
      yield* eventually(marker, (raw) => raw !== null, "the first request's in-flight marker")
      let repeat = yield* call(app, "/order", withKey(user.token, "slow", order))
      assert.strictEqual(repeat.status, 409)
      assert.strictEqual(repeat.headers.get("content-type"), "application/problem+json")
      const firstResponse = yield* first.await.pipe(Effect.flatten)
      assert.strictEqual(firstResponse.status, 504)
      repeat = yield* call(app, "/order", withKey(user.token, "slow", order))
      assert.strictEqual(repeat.status, 504)
      assert.isNull(repeat.headers.get("idempotent-replayed"))
    })
  )

  it.scopedLive("an operator's credit repeated with its key credits once", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const user = yield* registerUser(app, "trader@example.com")
      const credit = (amount: string) => withKey(ADMIN_TOKEN, "deposit-7", { currency: "ZAR", amount })
      assert.strictEqual((yield* call(app, `/admin/wallets/${user.userId}/credit`, credit("100.00"))).status, 200)
      const repeat = yield* call(app, `/admin/wallets/${user.userId}/credit`, credit("100.00"))
      assert.strictEqual(repeat.headers.get("idempotent-replayed"), "true")
      assert.deepStrictEqual(yield* bodyOf(repeat), { currency: "ZAR", available: "100.00", duplicate: false })
      assert.strictEqual((yield* call(app, `/admin/wallets/${user.userId}/credit`, credit("200.00"))).status, 422)
      assert.strictEqual((yield* getJson<{ balances: { ZAR: { available: string } } }>(app, "/wallet", user.token)).balances.ZAR.available, "100.00")
    })
  )

  it.scopedLive("a repeated API key creation names the same key and never stores its secret", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const user = yield* registerUser(app, "bot@example.com")
      const first = yield* bodyOf<{ keyId: string; secret: string | null }>(yield* call(app, "/auth/api-keys", withKey(user.token, "key-1", { label: "bot" })))
      const repeat = yield* bodyOf<{ keyId: string; secret: string | null }>(yield* call(app, "/auth/api-keys", withKey(user.token, "key-1", { label: "bot" })))
      assert.isString(first.secret)
      assert.deepStrictEqual(repeat, { ...first, secret: null })
      assert.strictEqual((yield* getJson<Array<unknown>>(app, "/auth/api-keys", user.token)).length, 1)
    })
  )

  it.scopedLive("a malformed key is a 400 problem", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const user = yield* registerUser(app, "bot@example.com")
      const response = yield* call(app, "/auth/api-keys", withKey(user.token, "has spaces", {}))
      assert.strictEqual(response.status, 400)
      assert.deepStrictEqual((yield* getJson<Array<unknown>>(app, "/auth/api-keys", user.token)).length, 0)
    })
  )
})
