import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"
import { call, testEdge, testEdgeServices } from "./test-edge.js"
import { as, registerUser } from "./test-users.js"

/** Two edge processes' apps on one cluster prefix: the limits must hold across both. */
const twoEdges = (options: Parameters<typeof testEdge>[0]) =>
  Effect.gen(function* () {
    const settings = RuntimeConfig.layer({ redisUrl: Option.some(sharedRedisUrl), prefix: freshPrefix(), shardCount: 8 })
    const first = yield* testEdge(options, testEdgeServices(settings))
    const second = yield* testEdge(options, testEdgeServices(settings))
    return [first.app, second.app] as const
  })

describe("rate limits", () => {
  it.scopedLive("a user past their limit gets 429 problem+json with Retry-After, counted across edges; other users go on", () =>
    Effect.gen(function* () {
      const [a, b] = yield* twoEdges({ rateLimitPerUser: 3, rateLimitWindowMs: 60_000 })
      const alice = yield* registerUser(a, "alice@example.com")
      const bob = yield* registerUser(a, "bob@example.com")
      const statuses = []
      for (const app of [a, b, a]) statuses.push((yield* call(app, "/auth/api-keys", as(alice.token))).status)
      assert.deepStrictEqual(statuses, [200, 200, 200])
      const limited = yield* call(b, "/auth/api-keys", as(alice.token))
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers.get("content-type"), "application/problem+json")
      const retryAfter = Number(limited.headers.get("retry-after"))
      assert.isTrue(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
      assert.strictEqual((yield* call(a, "/auth/api-keys", as(bob.token))).status, 200)
    })
  )

  it.scopedLive("an address past its limit gets 429 on every route but the probes; other addresses go on", () =>
    Effect.gen(function* () {
      const [a, b] = yield* twoEdges({ rateLimitPerIp: 2, trustProxy: true })
      const from = (ip: string) => ({ headers: { "X-Forwarded-For": `${ip}, 10.9.9.9` } })
      assert.strictEqual((yield* call(a, "/openapi.json", from("198.51.100.7"))).status, 200)
      assert.strictEqual((yield* call(b, "/openapi.json", from("198.51.100.7"))).status, 200)
      const limited = yield* call(a, "/openapi.json", from("198.51.100.7"))
      assert.strictEqual(limited.status, 429)
      assert.isNotNull(limited.headers.get("retry-after"))
      assert.strictEqual((yield* call(b, "/auth/login", { ...from("198.51.100.7"), method: "POST", body: "{}" })).status, 429)
      assert.strictEqual((yield* call(a, "/healthz", from("198.51.100.7"))).status, 200)
      assert.strictEqual((yield* call(b, "/openapi.json", from("203.0.113.9"))).status, 200)
    })
  )

  it.scopedLive("without limits configured nothing is throttled", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const statuses = new Set<number>()
      for (let i = 0; i < 50; i++) statuses.add((yield* call(app, "/openapi.json")).status)
      assert.deepStrictEqual([...statuses], [200])
    })
  )
})
