// Waiting for a cluster to finish its work: every inbox fully committed, every outbox relayed,
// no timers or jobs left. Polls Redis state (an event we cannot subscribe to) with a deadline.
import { Effect } from "effect"
import type { Keys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"

const idle = (keys: Keys) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    for (let shard = 0; shard < keys.shardCount; shard++) {
      const k = keys.shard(shard)
      const [lastIn, applied, lastOut, cursor, timers, jobs] = yield* redis.call("quiescence probe", async (r) => {
        const lastInbox = await r.xrevrange(k.inbox, "+", "-", "COUNT", 1)
        const lastOutbox = await r.xrevrange(k.outbox, "+", "-", "COUNT", 1)
        return [
          lastInbox[0]?.[0] ?? "0-0",
          (await r.hget(k.state, "applied")) ?? "0-0",
          lastOutbox[0]?.[0] ?? "0-0",
          (await r.get(k.relayCursor)) ?? "0-0",
          await r.zcard(k.timers),
          await r.zcard(k.jobs)
        ] as const
      })
      if (lastIn !== applied || (lastOut !== "0-0" && lastOut !== cursor) || timers > 0 || jobs > 0) return false
    }
    return true
  })

/** Resolves once the cluster under `keys` has nothing left to do (fails after `timeoutMs`). */
export const awaitQuiescence = (keys: Keys, timeoutMs = 30_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    // Two idle probes in a row: a relay may be between reading the outbox and appending.
    let streak = 0
    while (streak < 2) {
      if (Date.now() > deadline) return yield* Effect.dieMessage("cluster did not become idle in time")
      streak = (yield* idle(keys)) ? streak + 1 : 0
      yield* Effect.sleep(50)
    }
  })
