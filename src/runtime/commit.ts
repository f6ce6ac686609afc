// Runs the group commit of one batch (commit-8.lua). An unknown outcome is re-sent as the same
// commit, never re-applied: the script answers ALREADY when the first attempt had landed.
import { Data, Effect } from "effect"
import type { CommitBatch } from "./commit-batch.js"
import { GROUP, type ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import { runScript, type RedisLike } from "./scripts.js"

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
    batch.snapshots.length, feedCount, batch.entriesRead, 0
  ]
  for (const [field, items] of batch.outbox) args.push(field, `[${items.join(",")}]`)
  for (const [score, member] of batch.timers) args.push(score, member)
  for (const [score, member] of batch.jobs) args.push(score, member)
  for (const letter of batch.deadLetters) args.push(letter)
  for (const [field, value] of batch.snapshots) args.push(field, value)
  feedKeys.forEach((key, index) => {
    for (const [seq, payload] of batch.feeds.get(key)!) args.push(index + 1, seq, payload)
  })
  return { redisKeys, args }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Commits a batch (plain promise code: it runs once per batch on the hot path). Re-sends on an
 * unknown outcome until `deadline()` (the local lease deadline) passes; FENCED, CONFLICT or a
 * passed deadline reject with ShardLost.
 */
export const commitBatchNow = async (
  redis: RedisLike,
  keys: ShardKeys,
  epoch: number,
  version: string,
  range: CommitRange,
  batch: CommitBatch,
  deadline: () => number
): Promise<void> => {
  const { redisKeys, args } = buildArgs(keys, epoch, version, range, batch)
  for (let delay = 10; ; delay = Math.min(500, delay * 2)) {
    if (Date.now() >= deadline()) throw new ShardLost({ shard: keys.shard, reason: "lease-expired" })
    let answer: unknown
    try {
      answer = await runScript(redis, "commit-8", redisKeys, args)
    } catch {
      await sleep(delay) // unknown outcome: the same commit again, answered ALREADY if it landed
      continue
    }
    if (answer === "OK" || answer === "ALREADY") return
    throw new ShardLost({ shard: keys.shard, reason: answer === "FENCED" ? "fenced" : "conflict" })
  }
}

/** `commitBatchNow` as an Effect. */
export const commitBatch = (
  redis: RedisConnections,
  keys: ShardKeys,
  epoch: number,
  version: string,
  range: CommitRange,
  batch: CommitBatch,
  deadline: () => number
): Effect.Effect<void, ShardLost> =>
  Effect.flatMap(
    Effect.promise(() =>
      commitBatchNow(redis.client, keys, epoch, version, range, batch, deadline).then(
        () => undefined,
        (error: unknown) => {
          if (error instanceof ShardLost) return error
          throw error
        }
      )
    ),
    (lost) => (lost === undefined ? Effect.void : Effect.fail(lost))
  )
