import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Sql } from "../../src/storage/sql.js"
import { call, json, testEdge, testExchangeServices } from "./test-edge.js"
import { as, bodyOf, getJson, registerUser } from "./test-users.js"

interface CreatedKey {
  keyId: string
  secret: string
  prefix: string
  label: string
}

const createKey = (app: Parameters<typeof call>[0], token: string, body: unknown = { label: "market bot" }) =>
  Effect.flatMap(call(app, "/auth/api-keys", as(token, json("POST", body))), (r) => {
    assert.strictEqual(r.status, 201)
    return bodyOf<CreatedKey>(r)
  })

describe("API keys", () => {
  it.scopedLive("a new key's secret is shown once and only its hash is stored", () =>
    Effect.gen(function* () {
      const { app, runtime } = yield* testEdge()
      const alice = yield* registerUser(app, "alice@example.com")
      const key = yield* createKey(app, alice.token)
      assert.match(key.secret, /^vfx_[A-Za-z0-9_-]{43}$/)
      assert.strictEqual(key.label, "market bot")
      assert.isTrue(key.secret.startsWith(key.prefix))
      const rows = yield* Effect.promise(() =>
        runtime.runPromise(Effect.flatMap(Sql, (sql) => sql.run("read keys", (q) => q`select * from api_keys where key_id = ${key.keyId}`)))
      )
      assert.strictEqual(rows.length, 1)
      assert.notInclude(JSON.stringify(rows), key.secret)
      const listed = yield* getJson<Array<Record<string, unknown>>>(app, "/auth/api-keys", alice.token)
      assert.deepStrictEqual(listed.map((k) => [k["keyId"], k["prefix"], k["revokedAt"], "secret" in k]), [[key.keyId, key.prefix, null, false]])
    })
  )

  it.scopedLive("a key acts as its user, as a Bearer token or in X-API-Key", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const alice = yield* registerUser(app, "alice@example.com")
      const key = yield* createKey(app, alice.token, {})
      assert.strictEqual((yield* getJson<{ userId: string }>(app, "/wallet", key.secret)).userId, alice.userId)
      const viaHeader = yield* call(app, "/wallet", { headers: { "X-API-Key": key.secret } })
      assert.strictEqual(viaHeader.status, 200)
      assert.strictEqual((yield* bodyOf<{ userId: string }>(viaHeader)).userId, alice.userId)
      // The role is user: operator routes stay closed.
      assert.strictEqual((yield* call(app, "/admin/cluster", as(key.secret))).status, 403)
    })
  )

  it.scopedLive("a revoked key is refused with 401, and stays listed as revoked", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const alice = yield* registerUser(app, "alice@example.com")
      const key = yield* createKey(app, alice.token)
      const revoked = yield* call(app, `/auth/api-keys/${key.keyId}`, as(alice.token, { method: "DELETE" }))
      assert.strictEqual(revoked.status, 200)
      const refused = yield* call(app, "/wallet", as(key.secret))
      assert.strictEqual(refused.status, 401)
      assert.strictEqual(refused.headers.get("content-type"), "application/problem+json")
      assert.strictEqual((yield* call(app, "/wallet", { headers: { "X-API-Key": key.secret } })).status, 401)
      const [listed] = yield* getJson<Array<{ revokedAt: string | null }>>(app, "/auth/api-keys", alice.token)
      assert.isString(listed?.revokedAt)
    })
  )

  it.scopedLive("a user cannot revoke or see another user's key, and an unknown key is 401", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({}, testExchangeServices())
      const alice = yield* registerUser(app, "alice@example.com")
      const mallory = yield* registerUser(app, "mallory@example.com")
      const key = yield* createKey(app, alice.token)
      assert.strictEqual((yield* call(app, `/auth/api-keys/${key.keyId}`, as(mallory.token, { method: "DELETE" }))).status, 404)
      assert.deepStrictEqual(yield* getJson(app, "/auth/api-keys", mallory.token), [])
      assert.strictEqual((yield* call(app, "/wallet", as(key.secret))).status, 200)
      assert.strictEqual((yield* call(app, "/wallet", as(`vfx_${"A".repeat(43)}`))).status, 401)
    })
  )

  it.scopedLive("creating a key needs a user and a valid body", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const alice = yield* registerUser(app, "alice@example.com")
      assert.strictEqual((yield* call(app, "/auth/api-keys", json("POST", {}))).status, 401)
      assert.strictEqual((yield* call(app, "/auth/api-keys", as(alice.token, json("POST", { label: 5 })))).status, 400)
      assert.strictEqual((yield* call(app, "/auth/api-keys", as(alice.token, json("POST", { label: "x", admin: true })))).status, 400)
      assert.strictEqual((yield* call(app, "/auth/api-keys", as(alice.token, { method: "POST" }))).status, 201)
      assert.strictEqual((yield* getJson<Array<unknown>>(app, "/auth/api-keys", alice.token)).length, 1)
    })
  )
})
