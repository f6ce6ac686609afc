// The Effect scheduler of shard fibers. Effect's default lets 2048 rounds of microtasks chain
// before a setTimeout; with 32 busy shards that starves lease renewals and socket reads. This
// one yields with setImmediate (no 1 ms timer clamp) after a few rounds.
import { Scheduler } from "effect"

const ROUNDS_BEFORE_YIELD = 16

const runner = Scheduler.SchedulerRunner.cached((depth, drain) => {
  if (depth >= ROUNDS_BEFORE_YIELD) setImmediate(() => drain(0))
  else queueMicrotask(() => drain(depth + 1))
})

/** Scheduler for the fibers of owned shards. */
export const shardScheduler: Scheduler.Scheduler = Scheduler.make((task, priority, fiber) => runner(fiber).scheduleTask(task, priority))
