import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ADMIN_TOKEN, call, json, testEdge } from "./test-edge.js"

const problemOf = async (response: Response) => {
  assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
  return (await response.json()) as { status: number; title: string; errors?: Array<{ path: string; message: string }> }
}

describe("accounts", () => {
  it.scopedLive("registering answers 201 with a user id and a token that logs in", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const created = yield* call(app, "/auth/register", json("POST", { email: "Zinhle@Example.com", password: "correct horse" }))
      assert.strictEqual(created.status, 201)
      const body = (yield* Effect.promise(() => created.json())) as { userId: string; token: string }
      assert.match(body.userId, /^u_/)
      const login = yield* call(app, "/auth/login", json("POST", { email: "zinhle@example.com", password: "correct horse" }))
      assert.strictEqual(login.status, 200)
      assert.isString(((yield* Effect.promise(() => login.json())) as { token: string }).token)
    })
  )

  it.scopedLive("a second account with the same email is refused with 409", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      yield* call(app, "/auth/register", json("POST", { email: "dup@example.com", password: "password1" }))
      const again = yield* call(app, "/auth/register", json("POST", { email: "DUP@example.com", password: "password2" }))
      assert.strictEqual(again.status, 409)
      assert.strictEqual((yield* Effect.promise(() => problemOf(again))).title, "Email already registered")
    })
  )

  it.scopedLive("a malformed registration is a 400 problem naming each bad field, and creates nothing", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const bad = yield* call(app, "/auth/register", json("POST", { email: "not-an-email", password: "short" }))
      assert.strictEqual(bad.status, 400)
      const problem = yield* Effect.promise(() => problemOf(bad))
      assert.deepStrictEqual(problem.errors?.map((e) => e.path).sort(), ["email", "password"])
      const login = yield* call(app, "/auth/login", json("POST", { email: "not-an-email@x.co", password: "shortpass" }))
      assert.strictEqual(login.status, 401)
    })
  )

  it.scopedLive("bad JSON, extra fields and wrong types are 400 problems", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      for (const body of ["{not json", JSON.stringify({ email: "a@b.co", password: "password1", admin: true }), JSON.stringify({ email: 5, password: [] }), "null"]) {
        const response = yield* call(app, "/auth/register", json("POST", body))
        assert.strictEqual(response.status, 400, body)
        yield* Effect.promise(() => problemOf(response))
      }
    })
  )

  it.scopedLive("a wrong password is a 401 problem", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      yield* call(app, "/auth/register", json("POST", { email: "w@example.com", password: "password1" }))
      const response = yield* call(app, "/auth/login", json("POST", { email: "w@example.com", password: "password2" }))
      assert.strictEqual(response.status, 401)
    })
  )
})

describe("operator routes", () => {
  it.scopedLive("the cluster view needs an operator: 401 without a token, 403 for a user, 200 for the operator", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const anonymous = yield* call(app, "/admin/cluster")
      assert.strictEqual(anonymous.status, 401)
      const registered = yield* call(app, "/auth/register", json("POST", { email: "u@example.com", password: "password1" }))
      const { token } = (yield* Effect.promise(() => registered.json())) as { token: string }
      const user = yield* call(app, "/admin/cluster", { headers: { Authorization: `Bearer ${token}` } })
      assert.strictEqual(user.status, 403)
      const operator = yield* call(app, "/admin/cluster", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
      assert.strictEqual(operator.status, 200)
      assert.strictEqual(((yield* Effect.promise(() => operator.json())) as { shardCount: number }).shardCount, 8)
    })
  )

  it.scopedLive("a forged or expired token is refused with 401", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const forged = "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoib3BlcmF0b3IiLCJzdWIiOiJ4In0.c2lnbmF0dXJl"
      const response = yield* call(app, "/admin/cluster", { headers: { Authorization: `Bearer ${forged}` } })
      assert.strictEqual(response.status, 401)
    })
  )
})

describe("the edge itself", () => {
  it.scopedLive("an unknown route is a 404 problem", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const response = yield* call(app, "/no/such/route")
      assert.strictEqual(response.status, 404)
      yield* Effect.promise(() => problemOf(response))
    })
  )

  it.scopedLive("a body over the size limit is a 413 problem", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge({ maxBodyBytes: 1024 })
      const response = yield* call(app, "/auth/register", json("POST", { email: "a@b.co", password: "x".repeat(5000) }))
      assert.strictEqual(response.status, 413)
    })
  )

  it.scopedLive("the OpenAPI document describes the routes with their request schemas, and /docs serves the page", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const document = (yield* Effect.promise(async () => (await app.request("/openapi.json")).json())) as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: Array<string> } }> } }>>
      }
      const register = document.paths["/auth/register"]!["post"]!
      assert.deepStrictEqual(register.requestBody?.content["application/json"]?.schema.required, ["email", "password"])
      const page = yield* call(app, "/docs")
      assert.include(yield* Effect.promise(() => page.text()), "swagger-ui-bundle.js")
      const asset = yield* call(app, "/docs/assets/swagger-ui-bundle.js")
      assert.strictEqual(asset.status, 200)
    })
  )

  it.scopedLive("/metrics exposes request counts per route in the Prometheus format", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      yield* call(app, "/healthz")
      const text = yield* Effect.promise(async () => (await app.request("/metrics")).text())
      assert.match(text, /viralfx_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1/)
      assert.match(text, /viralfx_shard_inbox_lag\{shard="0"\}/)
    })
  )
})
