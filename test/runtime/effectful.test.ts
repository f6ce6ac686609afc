import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeActorKind } from "../../src/runtime/actor.js"
import { makeAddress, shardOf, type Address } from "../../src/runtime/address.js"
import { listDeadLetters, replayDeadLetter } from "../../src/runtime/dead-letters.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { eventually, until } from "../support/eventually.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "./test-cluster.js"

class Deliver extends Schema.TaggedClass<Deliver>()("Deliver", { text: Schema.String }) {}
const Mailer = makeActorKind("mailer", Deliver)

/** A mail service the test can break and mend; it dedupes by idempotency key, as a real one would. */
const makeMailService = () => {
  const service = {
    broken: false,
    attempts: [] as Array<{ key: string; attempt: number; at: number }>,
    delivered: new Map<string, number>()
  }
  const layer = Mailer.toEffectLayer({
    Deliver: (_message, ctx) =>
      Effect.suspend(() => {
        service.attempts.push({ key: ctx.idempotencyKey, attempt: ctx.attempt, at: Date.now() })
        if (service.broken) return Effect.fail(new Error("mail server unavailable"))
        service.delivered.set(ctx.idempotencyKey, (service.delivered.get(ctx.idempotencyKey) ?? 0) + 1)
        return Effect.void
      })
  })
  return { service, layer }
}

const RETRY_DELAYS = [150, 300]

/** A mailer that records the rounds its messages ran in: a batch of several, or one alone. */
const makeRoundRecorder = () => {
  const rounds: Array<Array<string>> = []
  const layer = Mailer.toEffectLayer(
    { Deliver: (message) => Effect.sync(() => void rounds.push([message.text])) },
    { batch: (jobs) => Effect.sync(() => void rounds.push(jobs.map((j) => j.message.text))) }
  )
  return { rounds, layer }
}

describe("effectful actors", () => {
  it.scopedLive("a succeeding message is delivered once", () => {
    const { service, layer } = makeMailService()
    return Effect.gen(function* () {
      const client = yield* ActorClient
      const id = yield* client.send(Mailer.ref("u1"), new Deliver({ text: "hi" }))
      yield* until(() => service.delivered.has(id), "delivery")
      assert.deepStrictEqual(service.attempts.map((a) => a.attempt), [1])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { retryDelaysMs: RETRY_DELAYS }), sharedRedisUrl, layer)))
  })

  it.scopedLive("a failing message is retried after each delay, then dead-lettered; its replay after the fix delivers once", () => {
    const { service, layer } = makeMailService()
    service.broken = true
    return Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const redis = yield* RedisClient
      const id = yield* client.send(Mailer.ref("u2"), new Deliver({ text: "hello" }))
      yield* until(() => service.attempts.length === 3, "three attempts")
      const attempts = service.attempts.filter((a) => a.key === id)
      assert.deepStrictEqual(attempts.map((a) => a.attempt), [1, 2, 3])
      // Backoff: each retry waited at least its configured delay.
      assert.isAtLeast(attempts[1]!.at - attempts[0]!.at, RETRY_DELAYS[0]! - 5)
      assert.isAtLeast(attempts[2]!.at - attempts[1]!.at, RETRY_DELAYS[1]! - 5)

      const allDeadLetters = Effect.map(
        Effect.forEach(Array.from({ length: node.keys.shardCount }, (_, s) => s), (s) => listDeadLetters(redis, node.keys, s)),
        (perShard) => perShard.flat()
      )
      const letters = yield* eventually(allDeadLetters, (found) => found.length === 1, "the dead letter")
      assert.include(letters[0]!.reason, "failed after 3 attempts: ")
      assert.include(letters[0]!.reason, "mail server unavailable")
      assert.strictEqual(service.delivered.size, 0)

      service.broken = false
      yield* replayDeadLetter(redis, node.keys, client, letters[0]!.shard, letters[0]!.id)
      yield* until(() => service.delivered.get(id) === 1, "the replayed delivery")
      assert.deepStrictEqual([...service.delivered], [[id, 1]], "delivered once, under the original id as idempotency key")
      assert.deepStrictEqual(yield* listDeadLetters(redis, node.keys, letters[0]!.shard), [])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { retryDelaysMs: RETRY_DELAYS }), sharedRedisUrl, layer)))
  })

  it.scopedLive("a job stored as before job data had its own hash (its JSON as the set member) still runs once", () => {
    const { service, layer } = makeMailService()
    return Effect.gen(function* () {
      const node = yield* ShardNode
      const redis = yield* RedisClient
      const keys = node.keys.shard(shardOf(makeAddress("mailer", "u3") as Address, node.keys.shardCount))
      const legacy = JSON.stringify({ e: { i: "legacy-1", k: "mailer", a: "u3", b: { _tag: "Deliver", text: "old" } }, n: 1, entryId: "1-0" })
      yield* redis.call("ZADD jobs", (r) => r.zadd(keys.jobs, 0, legacy))
      yield* until(() => service.delivered.get("legacy-1") === 1, "the legacy job's delivery")
      yield* eventually(redis.call("ZCARD jobs", (r) => r.zcard(keys.jobs)), (n) => n === 0, "the job ended")
      assert.deepStrictEqual([...service.delivered], [["legacy-1", 1]])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { retryDelaysMs: RETRY_DELAYS }), sharedRedisUrl, layer)))
  })

  it.scopedLive("jobs committed while a woken worker lingers run in one round", () => {
    const { rounds, layer } = makeRoundRecorder()
    return Effect.gen(function* () {
      const client = yield* ActorClient
      const node = yield* ShardNode
      const redis = yield* RedisClient
      const keys = node.keys.shard(shardOf(makeAddress("mailer", "u5") as Address, node.keys.shardCount))
      // Three commits, one after the other: the first wakes the worker, which waits out its linger.
      for (const [i, text] of ["a", "b", "c"].entries()) {
        yield* client.send(Mailer.ref("u5"), new Deliver({ text }))
        // Committed: waiting in the jobs set, or (were there no linger) run already.
        yield* eventually(redis.call("ZCARD jobs", (r) => r.zcard(keys.jobs)), (n) => n + rounds.flat().length >= i + 1, `job ${text} committed`)
      }
      yield* until(() => rounds.flat().length === 3, "the three deliveries")
      assert.deepStrictEqual(rounds.map((r) => [...r].sort()), [["a", "b", "c"]])
    }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { jobLingerMs: 2000 }), sharedRedisUrl, layer)))
  })
})
