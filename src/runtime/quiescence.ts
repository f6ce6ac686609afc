// Waiting for a cluster to finish its work: every inbox fully committed, every outbox relayed
// and, unless told otherwise, no timers or effectful jobs left. Polls Redis state (there is no
// event to subscribe to) with a deadline. Tests and benchmarks use it to know a load is done.
import { Effect } from "effect"
import type { Keys } from "./keys.js"
import { RedisClient } from "./redis.js"

/** What counts as outstanding work besides unprocessed inbox entries and unrelayed outboxes. */
export interface QuiescenceOptions {
  /** Pending timers and effectful jobs count too (default true). */
  readonly timersAndJobs?: boolean
}

const shardIdle = (keys: Keys, shard: number, timersAndJobs: boolean) =>
  Effect.flatMap(RedisClient, (redis) =>
    redis.call("quiescence probe", async (r) => {
      const k = keys.shard(shard)
      // One shard's keys share a hash tag, so one round trip reads them even on a Redis Cluster.
      const [lastIn, applied, lastOut, cursor, timers, jobs] = await Promise.all([
        r.xrevrange(k.inbox, "+", "-", "COUNT", 1),
        r.hget(k.state, "applied"),
        r.xrevrange(k.outbox, "+", "-", "COUNT", 1),
        r.get(k.relayCursor),
        r.zcard(k.timers),
        r.zcard(k.jobs)
      ])
      const lastOutId = lastOut[0]?.[0] ?? "0-0"
      return (
        (lastIn[0]?.[0] ?? "0-0") === (applied ?? "0-0") &&
        (lastOutId === "0-0" || lastOutId === (cursor ?? "0-0")) &&
        (!timersAndJobs || (timers === 0 && jobs === 0))
      )
    })
  )

/** True when no shard under `keys` has work left. */
export const isQuiescent = (keys: Keys, options: QuiescenceOptions = {}) =>
  Effect.map(
    Effect.forEach(Array.from({ length: keys.shardCount }, (_, s) => s), (s) => shardIdle(keys, s, options.timersAndJobs ?? true), { concurrency: "unbounded" }),
    (idle) => idle.every(Boolean)
  )

/** Resolves once the cluster under `keys` has nothing left to do (dies after `timeoutMs`). */
export const awaitQuiescence = (keys: Keys, timeoutMs = 30_000, options: QuiescenceOptions = {}) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    // Two idle probes in a row: a relay may be between reading the outbox and appending.
    let streak = 0
    while (streak < 2) {
      if (Date.now() > deadline) return yield* Effect.dieMessage("cluster did not become idle in time")
      streak = (yield* isQuiescent(keys, options)) ? streak + 1 : 0
      yield* Effect.sleep(20)
    }
  })
