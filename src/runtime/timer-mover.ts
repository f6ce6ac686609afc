// Moves due timers of one owned shard into its inbox (DESIGN §2 "Timers"), by Redis TIME in a
// fenced script; sleeps until the next one is due or a commit adds one.
import { Effect } from "effect"
import { ShardLost } from "./commit.js"
import type { OwnedShard } from "./owned-shard.js"

const MOVE_LIMIT = 500

/** Runs the timer mover until the shard is lost or stopped. */
export const runTimerMover = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, lease } = owned
    while (!owned.stopping) {
      const [moved, nextMs] = (yield* owned.redis.script("move-timers-3", [keys.epoch, keys.timers, keys.inbox], [lease.epoch, MOVE_LIMIT])) as [number, number]
      if (moved === -1) return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      if (moved === MOVE_LIMIT) continue
      yield* owned.wake.timers.wait(nextMs === -1 ? 1000 : Math.min(1000, nextMs))
    }
  })
