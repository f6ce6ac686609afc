// Fuzzing the edge (fast-check, fixed seed): malformed and edge-case bodies and headers against
// every route that changes state. Each request is built so that it is certainly invalid (one
// field at least is corrupted, or the JSON itself), so the property is strict: a 4xx
// problem+json every time, never a 500, and the wallets, the book, the markets and the accounts
// are exactly as before.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fc from "fast-check"
import { Book, GetBook } from "../../src/actors/book/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { Sql } from "../../src/storage/sql.js"
import { ADMIN_TOKEN, SIGNAL_TOKEN, testEdge, testExchangeServices } from "./test-edge.js"
import { getJson, listLadderMarket, registerUser } from "./test-users.js"

/** A value of the wrong JSON type for a string or number field. */
const wrongType = fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }))
/** Certainly not a positive whole quantity. */
const badQuantity = fc.oneof(fc.constantFrom(0, -1, 1.5, 1e300, -1e300, 0.001, "abc", "", "1,5", "NaN", "Infinity", "0x10", "9007199254740993"), fc.integer({ max: 0 }), wrongType)
/** Certainly not a price on the R0.01 tick. */
const badPrice = fc.oneof(fc.constantFrom(0, -1, 1.005, 1e300, "1.001", "abc", "", "-5", "Infinity", "1e3"), fc.integer({ max: 0 }), wrongType)
/** Not a member of `allowed`. */
const notOneOf = (allowed: ReadonlyArray<string>) => fc.oneof(fc.string({ maxLength: 12 }).filter((s) => !allowed.includes(s)), wrongType)
/** Text that is not JSON, or JSON that is not an object. */
const badJson = fc.oneof(
  fc.string({ maxLength: 40 }).filter((s) => {
    try {
      const parsed: unknown = JSON.parse(s)
      return parsed === null || typeof parsed !== "object" || Array.isArray(parsed)
    } catch {
      return true
    }
  }),
  fc.constantFrom("{", "{\"symbol\":", "[]", "null", "\u0000", "{\"a\":1}}", "{'side':'BUY'}").map(String),
  // Nesting deep enough to overflow the stack of anything that recurses over it (once a 500).
  fc.integer({ min: 33, max: 5000 }).map((n) => `{"symbol":${"[".repeat(n)}${"]".repeat(n)}}`),
  fc.constant(`${"[".repeat(3000)}${"]".repeat(3000)}`)
)

/** A valid body with one field corrupted (or one unknown field added), as JSON text. */
const corrupt = (valid: Record<string, unknown>, bad: Record<string, fc.Arbitrary<unknown>>) =>
  fc.oneof(
    fc.oneof(...Object.entries(bad).map(([field, value]) => value.map((v) => JSON.stringify({ ...valid, [field]: v })))),
    fc.tuple(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !(k in valid) && k !== "__proto__"), fc.jsonValue({ maxDepth: 1 })).map(([k, v]) => JSON.stringify({ ...valid, [k]: v })),
    badJson
  )

interface Target {
  readonly path: string
  readonly token: string
  readonly body: string
}

const targets = (symbol: string, userId: string, userToken: string) =>
  fc.oneof(
    corrupt(
      { symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "1.00" },
      {
        symbol: fc.oneof(fc.constantFrom("", "x".repeat(65)), wrongType),
        side: notOneOf(["BUY", "SELL"]),
        type: notOneOf(["LIMIT", "MARKET", "STOP", "STOP_LIMIT"]),
        quantity: badQuantity,
        price: badPrice,
        timeInForce: notOneOf(["GTC", "GTD", "IOC", "FOK"]),
        postOnly: fc.oneof(fc.string(), fc.integer(), fc.constant(null))
      }
    ).map((body): Target => ({ path: "/order", token: userToken, body })),
    corrupt(
      { topic: "Fuzzed topic", viralityScore: 50, sentiment: 0.5 },
      {
        topic: fc.oneof(fc.constantFrom("", "x".repeat(201)), wrongType),
        viralityScore: fc.oneof(fc.constantFrom(-1, 101, 1e300, "50", -1e300), wrongType),
        sentiment: fc.oneof(fc.constantFrom(2, -2, "0", 1e300), wrongType),
        velocity: fc.oneof(fc.constantFrom(1001, -1001, "1"), wrongType),
        observedAt: fc.oneof(fc.constantFrom("not a date", "2026-13-45T99:00:00Z"), fc.integer(), fc.boolean())
      }
    ).map((body): Target => ({ path: "/signals", token: SIGNAL_TOKEN, body })),
    fc.tuple(
      fc.constantFrom("/auth/register", "/auth/login"),
      corrupt(
        { email: "fuzz@example.com", password: "password1" },
        {
          email: fc.oneof(fc.constantFrom("", "no-at", "a@b", `${"x".repeat(300)}@x.co`, "a b@c.de"), wrongType),
          password: fc.oneof(fc.string({ maxLength: 7 }), fc.constant("p".repeat(201)), wrongType)
        }
      )
    ).map(([path, body]): Target => ({ path, token: "", body })),
    corrupt(
      { currency: "ZAR", amount: "10.00" },
      { currency: notOneOf(["ZAR", "USD"]), amount: fc.oneof(fc.constantFrom(-1, "1.001", "abc", 1e300, "-0.01", ""), wrongType) }
    ).map((body): Target => ({ path: `/admin/wallets/${userId}/credit`, token: ADMIN_TOKEN, body })),
    corrupt({ label: "bot" }, { label: fc.oneof(fc.constant("l".repeat(101)), fc.integer(), fc.boolean(), fc.constant(null)) }).map(
      (body): Target => ({ path: "/auth/api-keys", token: userToken, body })
    )
  )

/** Headers around the body: content types, Idempotency-Keys (valid or not), and now and then a wrong credential. */
const headers = (target: Target, userToken: string) =>
  fc
    .record({
      contentType: fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", undefined),
      idempotencyKey: fc.option(fc.oneof(fc.string({ maxLength: 20 }), fc.constant("k".repeat(300))), { nil: undefined }),
      credential: fc.constantFrom("right", "right", "right", "right", "garbage", "wrong-role", "none", "api-key-like")
    })
    .map(({ contentType, idempotencyKey, credential }) => {
      const out: Record<string, string> = {}
      if (contentType !== undefined) out["content-type"] = contentType
      if (idempotencyKey !== undefined) out["idempotency-key"] = idempotencyKey
      const token = credential === "right" ? target.token : credential === "wrong-role" ? (target.token === userToken ? SIGNAL_TOKEN : userToken) : credential === "garbage" ? "not.a.jwt" : credential === "api-key-like" ? "vfx_nope" : ""
      if (token !== "") out["authorization"] = credential === "garbage" ? `Basic ${token}` : `Bearer ${token}`
      return out
    })

describe("fuzzing the edge", () => {
  it.scopedLive("malformed bodies and headers are always 4xx problem+json and change nothing", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge({}, testExchangeServices())
      const symbol = yield* listLadderMarket(runtime)
      const user = yield* registerUser(app, "holder@example.com", "250.00")
      const state = Effect.gen(function* () {
        const book = yield* Effect.promise(() => runtime.runPromise(Effect.flatMap(ActorClient, (c) => c.ask(Book.ref(symbol), new GetBook({ depth: 10 })))))
        const counts = yield* Effect.promise(() =>
          runtime.runPromise(Effect.flatMap(Sql, (sql) => sql.run("counts", (q) => q`select (select count(*) from users)::int as users, (select count(*) from api_keys)::int as keys`)))
        )
        return {
          wallet: yield* getJson(app, "/wallet", user.token),
          orders: yield* getJson(app, "/orders", user.token),
          markets: ((yield* getJson<Array<{ symbol: string }>>(app, "/markets")).map((m) => m.symbol)),
          book: { bids: book.bids, asks: book.asks, orders: book.orders, tradeSeq: book.tradeSeq, bookSeq: book.bookSeq },
          counts
        }
      })
      const before = yield* state
      const property = fc.asyncProperty(
        targets(symbol, user.userId, user.token).chain((target) => headers(target, user.token).map((h) => ({ target, headers: h }))),
        async ({ target, headers: h }) => {
          const response = await app.request(target.path, { method: "POST", headers: h, body: target.body })
          const text = await response.text()
          const what = `${target.path} ${JSON.stringify(h)} ${target.body} -> ${response.status} ${text}`
          assert.isTrue(response.status >= 400 && response.status < 500, what)
          assert.strictEqual(response.headers.get("content-type"), "application/problem+json", what)
          assert.strictEqual((JSON.parse(text) as { status: number }).status, response.status, what)
        }
      )
      yield* Effect.promise(() => fc.assert(property, { seed: 20261127, numRuns: 1000 }))
      assert.deepStrictEqual(yield* state, before)
    })
  , 240_000)

  it.scopedLive("a body over the size limit is a 413 problem on every route", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({ maxBodyBytes: 1024 }, testExchangeServices())
      const user = yield* registerUser(app, "big@example.com")
      const body = JSON.stringify({ topic: "x".repeat(2000), viralityScore: 1, sentiment: 0 })
      for (const [path, token] of [["/order", user.token], ["/signals", SIGNAL_TOKEN], ["/auth/register", ""], [`/admin/wallets/${user.userId}/credit`, ADMIN_TOKEN]] as const) {
        const response = yield* Effect.promise(async () =>
          app.request(path, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body })
        )
        assert.strictEqual(response.status, 413, path)
        assert.strictEqual(response.headers.get("content-type"), "application/problem+json", path)
      }
    })
  )
})
