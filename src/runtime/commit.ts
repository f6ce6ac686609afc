// Runs the group commit of one batch (commit-8.lua). An unknown outcome is re-sent as the same
// commit, never re-applied: the script answers ALREADY when the first attempt had landed.
import { Data, Duration, Effect, Schedule } from "effect"
import type { CommitBatch } from "./commit-batch.js"
import { GROUP, type ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import type { RedisError } from "./errors.js"

/** The shard was fenced or its offset moved under us: drop its state and re-acquire. */
export class ShardLost extends Data.TaggedError("ShardLost")<{
  readonly shard: number
  readonly reason: "fenced" | "conflict" | "lease-expired" | "injected-crash"
}> {}

/** Longest stream length of a feed (approximate trim). */
export const FEED_CAP = 10_000
/** Longest dead-letter stream (approximate trim). */
export const DEAD_LETTER_CAP = 100_000

/** The commit's position: the offset before and after the batch. */
export interface CommitRange {
  readonly previous: string
  readonly last: string
}

const buildArgs = (keys: ShardKeys, epoch: number, version: string, range: CommitRange, batch: CommitBatch) => {
  const feedKeys = [...batch.feeds.keys()]
  const redisKeys = [keys.epoch, keys.state, keys.inbox, keys.outbox, keys.timers, keys.jobs, keys.deadLetters, keys.snapshots, ...feedKeys]
  const feedCount = feedKeys.reduce((n, key) => n + batch.feeds.get(key)!.length, 0)
  const args: Array<string | number> = [
    epoch, range.previous, range.last, version, GROUP, FEED_CAP, DEAD_LETTER_CAP,
    batch.outbox.size, batch.timers.length, batch.jobs.length, batch.deadLetters.length,
    batch.snapshots.length, feedCount, batch.acks.length, 0
  ]
  for (const [field, items] of batch.outbox) args.push(field, `[${items.join(",")}]`)
  for (const [score, member] of batch.timers) args.push(score, member)
  for (const [score, member] of batch.jobs) args.push(score, member)
  for (const letter of batch.deadLetters) args.push(letter)
  for (const [field, value] of batch.snapshots) args.push(field, value)
  feedKeys.forEach((key, index) => {
    for (const [seq, payload] of batch.feeds.get(key)!) args.push(index + 1, seq, payload)
  })
  for (const id of batch.acks) args.push(id)
  return { redisKeys, args }
}

/**
 * Commits a batch. Re-sends on an unknown outcome until `deadline()` (the local lease deadline)
 * passes; FENCED, CONFLICT or a passed deadline end with ShardLost.
 */
export const commitBatch = (
  redis: RedisConnections,
  keys: ShardKeys,
  epoch: number,
  version: string,
  range: CommitRange,
  batch: CommitBatch,
  deadline: () => number
) => {
  const { redisKeys, args } = buildArgs(keys, epoch, version, range, batch)
  const attempt = Effect.suspend((): Effect.Effect<unknown, RedisError | ShardLost> =>
    Date.now() >= deadline()
      ? Effect.fail(new ShardLost({ shard: keys.shard, reason: "lease-expired" }))
      : redis.script("commit-8", redisKeys, args)
  )
  return attempt.pipe(
    Effect.retry({
      while: (error) => error._tag === "RedisError",
      schedule: Schedule.exponential(Duration.millis(10), 2).pipe(Schedule.union(Schedule.spaced(Duration.millis(500))))
    }),
    Effect.flatMap((answer) => {
      switch (answer) {
        case "OK":
        case "ALREADY":
          return Effect.void
        case "FENCED":
          return Effect.fail(new ShardLost({ shard: keys.shard, reason: "fenced" }))
        default:
          return Effect.fail(new ShardLost({ shard: keys.shard, reason: "conflict" }))
      }
    })
  )
}
