import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { Redis } from "ioredis"
import { edgeKeys } from "../../src/http/edge-keys.js"
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

/** One edge on a prefix of its own, with a way to read its rate-limit counters. */
const edgeWithCounters = (options: Parameters<typeof testEdge>[0]) =>
  Effect.gen(function* () {
    const prefix = freshPrefix()
    const { app } = yield* testEdge(options, testEdgeServices(RuntimeConfig.layer({ redisUrl: Option.some(sharedRedisUrl), prefix, shardCount: 8 })))
    const redis = yield* Effect.acquireRelease(Effect.sync(() => new Redis(sharedRedisUrl)), (r) => Effect.sync(() => r.disconnect()))
    const counted = (scope: "user" | "ip", id: string) => Effect.promise(async () => Number((await redis.get(edgeKeys.rateLimit(prefix, scope, id))) ?? 0))
    return { app, counted }
  })

const ADDRESS = "198.51.100.20"
const fromAddress = (init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), "X-Forwarded-For": ADDRESS } })

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

  it.scopedLive("a user's requests count once each in the user's window and in the address's", () =>
    Effect.gen(function* () {
      const { app, counted } = yield* edgeWithCounters({ rateLimitPerUser: 100, rateLimitPerIp: 100, trustProxy: true })
      const alice = yield* registerUser(app, "alice@example.com")
      const before = yield* counted("ip", ADDRESS)
      // The first request verifies the token; the next ones find it verified already.
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* call(app, "/auth/api-keys", fromAddress(as(alice.token)))).status, 200)
      assert.strictEqual(yield* counted("user", alice.userId), 3)
      assert.strictEqual((yield* counted("ip", ADDRESS)) - before, 3)
    })
  )

  it.scopedLive("a user's request refused for its address is not counted in the user's window", () =>
    Effect.gen(function* () {
      const { app, counted } = yield* edgeWithCounters({ rateLimitPerUser: 100, rateLimitPerIp: 3, trustProxy: true })
      const alice = yield* registerUser(app, "alice@example.com")
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((yield* call(app, "/auth/api-keys", fromAddress(as(alice.token)))).status)
      assert.deepStrictEqual(statuses, [200, 200, 200, 429])
      assert.strictEqual(yield* counted("user", alice.userId), 3)
    })
  )
})
