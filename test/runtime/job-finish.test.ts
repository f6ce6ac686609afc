// Ending a worker round's effectful jobs in one fenced call (finish-jobs-4.lua): done, retried
// after the next delay, or dead-lettered after the last attempt; a fenced-out worker changes nothing.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { listDeadLetters } from "../../src/runtime/dead-letters.js"
import { finishJobs, type FinishedJob } from "../../src/runtime/job-finish.js"
import { makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import type { StoredJob } from "../../src/runtime/shard-actors.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

const redisLayer = RedisClient.layerUrl(sharedRedisUrl)
const RETRY_DELAYS = [60_000, 120_000]
const EPOCH = 3

const job = (id: string, attempt: number): StoredJob => ({
  e: { i: id, k: "mailer", a: "u1", b: { _tag: "Deliver", text: id } },
  n: attempt,
  entryId: "1700000000000-0"
})

/** A shard at epoch 3 holding three claimed jobs (ids hidden for a visibility timeout, JSON by id). */
const claimedRound = Effect.gen(function* () {
  const redis = yield* RedisClient
  const keys = makeKeys(freshPrefix(), 4)
  const shard = keys.shard(0)
  const jobs = { ok: job("m-ok", 1), flaky: job("m-flaky", 1), poison: job("m-poison", 3) }
  yield* redis.call("SET epoch", (r) => r.set(shard.epoch, String(EPOCH)))
  const hidden = Date.now() + 30_000
  yield* redis.call("ZADD jobs", (r) => r.zadd(shard.jobs, hidden, "m-ok", hidden, "m-flaky", hidden, "m-poison"))
  yield* redis.call("HSET job data", (r) => r.hset(shard.jobData, Object.fromEntries(Object.values(jobs).map((j) => [j.e.i, JSON.stringify(j)]))))
  const round: ReadonlyArray<FinishedJob> = [
    { id: "m-ok", job: jobs.ok, outcome: { _tag: "done" } },
    { id: "m-flaky", job: jobs.flaky, outcome: { _tag: "failed", reason: "mail server unavailable" } },
    { id: "m-poison", job: jobs.poison, outcome: { _tag: "failed", reason: "mailbox does not exist" } }
  ]
  const jobsLeft = redis.call("ZRANGE jobs", (r) => r.zrange(shard.jobs, 0, -1, "WITHSCORES"))
  const jobData = redis.call("HGETALL job data", (r) => r.hgetall(shard.jobData))
  return { redis, keys, shard, round, jobsLeft, jobData }
})

describe("batched job finish", () => {
  it.scopedLive("one call ends a round: the done job leaves, the failed one waits its next delay, the last attempt is dead-lettered", () =>
    Effect.gen(function* () {
      const { redis, keys, shard, round, jobsLeft, jobData } = yield* claimedRound
      const [seconds, micros] = yield* redis.call("TIME", (r) => r.time())
      const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)

      assert.strictEqual(yield* finishJobs(redis, shard, EPOCH, RETRY_DELAYS, round), "finished")

      const [id, score] = yield* jobsLeft
      assert.strictEqual(id, "m-flaky", "only the retry is left")
      assert.deepStrictEqual(Object.keys(yield* jobData), ["m-flaky"], "the others' data is gone")
      assert.deepStrictEqual(JSON.parse((yield* jobData)["m-flaky"]!), job("m-flaky", 2), "stored as its second attempt")
      assert.isAtLeast(Number(score), now + RETRY_DELAYS[0]!, "due after the first retry delay")
      const letters = yield* listDeadLetters(redis, keys, 0)
      assert.deepStrictEqual(
        letters.map((l) => [(l.envelope as StoredJob["e"]).i, l.attempts, l.reason]),
        [["m-poison", 3, "failed after 3 attempts: mailbox does not exist"]]
      )
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a fenced-out worker's batched finish changes nothing", () =>
    Effect.gen(function* () {
      const { redis, keys, shard, round, jobsLeft, jobData } = yield* claimedRound
      const before = yield* jobsLeft
      const dataBefore = yield* jobData

      assert.strictEqual(yield* finishJobs(redis, shard, EPOCH - 1, RETRY_DELAYS, round), "fenced")

      assert.deepStrictEqual(yield* jobsLeft, before, "every job still claimed: it comes due again for the new owner")
      assert.sameMembers(before.filter((_, i) => i % 2 === 0), ["m-ok", "m-flaky", "m-poison"])
      assert.deepStrictEqual(yield* jobData, dataBefore, "and its data unchanged")
      assert.deepStrictEqual(yield* listDeadLetters(redis, keys, 0), [])
    }).pipe(Effect.provide(redisLayer))
  )
})
