// Runs the group commit of one batch (commit-9.lua). An unknown outcome is re-sent as the same
// commit, never re-applied: the script answers ALREADY when the first attempt had landed.
import { Data, Effect } from "effect"
import { setTimeout as sleep } from "node:timers/promises"
import type { CommitBatch } from "./commit-batch.js"
import type { OutboxEntry } from "./outbox-handoff.js"
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

/** Longest reply stream (approximate): an asker that stopped reading loses old replies only. */
export const REPLY_CAP = 10_000

/**
 * How a commit may deliver its effects itself (a single Redis server): the shard's relay
 * cursor, each target shard's inbox, and the inbox length past which a target takes no more.
 */
export interface CommitDelivery {
  readonly relayCursor: string
  readonly inboxOf: (shard: number) => string
  readonly maxInboxLength: number
}

/** A batch's commit as script keys and arguments, built once and re-sent as is. */
export interface PreparedCommit {
  readonly redisKeys: Array<string>
  readonly args: Array<string | number>
  readonly outboxFields: Array<string>
}

/** Builds the commit-9 call of a batch (see `commitBatch` for `withReplies` and `delivery`). */
export const prepareCommit = (
  keys: ShardKeys,
  epoch: number,
  version: string,
  range: CommitRange,
  batch: CommitBatch,
  withReplies = false,
  delivery?: CommitDelivery
): PreparedCommit => {
  const feedKeys = [...batch.feeds.keys()]
  const replyKeys = withReplies ? [...batch.replies.keys()] : []
  const redisKeys = [keys.epoch, keys.state, keys.inbox, keys.outbox, keys.timers, keys.jobs, keys.deadLetters, keys.snapshots, keys.jobData, ...feedKeys, ...replyKeys]
  // The relay cursor's index counted from KEYS[9] (0: no delivery in the commit), then the targets.
  const cursorAt = delivery !== undefined && batch.outbox.size > 0 ? redisKeys.length - 8 : 0
  if (cursorAt > 0) {
    redisKeys.push(delivery!.relayCursor)
    for (const target of batch.outbox.keys()) redisKeys.push(delivery!.inboxOf(Number(target)))
  }
  const feedCount = feedKeys.reduce((n, key) => n + batch.feeds.get(key)!.length, 0)
  const args: Array<string | number> = [
    epoch, range.previous, range.last, version, GROUP, FEED_CAP, DEAD_LETTER_CAP,
    batch.outbox.size, batch.timers.length, batch.jobs.length, batch.deadLetters.length,
    batch.snapshots.length, feedCount, batch.entriesRead, 0, replyKeys.length, REPLY_CAP,
    cursorAt, delivery?.maxInboxLength ?? 0
  ]
  const outboxFields: Array<string> = []
  for (const [field, items] of batch.outbox) outboxFields.push(field, `[${items.join(",")}]`)
  args.push(...outboxFields)
  for (const [score, member] of batch.timers) args.push(score, member)
  for (const [score, id, json] of batch.jobs) args.push(score, id, json)
  for (const letter of batch.deadLetters) args.push(letter)
  for (const [field, value] of batch.snapshots) args.push(field, value)
  feedKeys.forEach((key, index) => {
    for (const [seq, payload] of batch.feeds.get(key)!) args.push(index + 1, seq, payload)
  })
  replyKeys.forEach((key, index) => args.push(feedKeys.length + index + 1, replyRecords(batch, key)))
  return { redisKeys, args, outboxFields }
}

/** The reply records a batch has for one asker's stream, as one stream entry's value. */
export const replyRecords = (batch: CommitBatch, stream: string) => `[${batch.replies.get(stream)!.join(",")}]`

/**
 * What a commit wrote to the outbox: its entry, nothing (`undefined`), or an entry whose ID is
 * unknown (`null`: a re-sent commit that had landed, answered ALREADY).
 */
export type CommittedOutbox = OutboxEntry | undefined | null

/**
 * Sends one commit until it has an answer (plain promise code: it runs once per batch on the hot
 * path). An unknown outcome is re-sent until `deadline()` (the local lease deadline) passes;
 * answers the ShardLost that ends the shard (FENCED, CONFLICT, a passed deadline), or what the
 * commit wrote to the outbox.
 */
export const sendCommit = async (
  redis: RedisLike,
  shard: number,
  commit: PreparedCommit,
  deadline: () => number
): Promise<ShardLost | CommittedOutbox> => {
  for (let delay = 10; ; delay = Math.min(500, delay * 2)) {
    if (Date.now() >= deadline()) return new ShardLost({ shard, reason: "lease-expired" })
    let answer: unknown
    try {
      answer = await runScript(redis, "commit-9", commit.redisKeys, commit.args)
    } catch {
      await sleep(delay) // unknown outcome: the same commit again, answered ALREADY if it landed
      continue
    }
    if (answer === "OK") return undefined
    if (answer === "ALREADY") return commit.outboxFields.length > 0 ? null : undefined
    if (answer === "FENCED" || answer === "CONFLICT") return new ShardLost({ shard, reason: answer === "FENCED" ? "fenced" : "conflict" })
    return [answer as string, commit.outboxFields]
  }
}

/**
 * Commits a batch, answering what it wrote to the outbox; fails with ShardLost when the shard
 * must be given up. On a single Redis server (`commitWritesOf` in shard-loop.ts) the commit may
 * also write the batch's replies to their askers' streams (`withReplies`) and deliver its effects
 * to their targets' inboxes (`delivery`) while the relay has nothing left to deliver.
 */
export const commitBatch = (
  redis: RedisConnections,
  keys: ShardKeys,
  epoch: number,
  version: string,
  range: CommitRange,
  batch: CommitBatch,
  deadline: () => number,
  withReplies = false,
  delivery?: CommitDelivery
): Effect.Effect<CommittedOutbox, ShardLost> => {
  const commit = prepareCommit(keys, epoch, version, range, batch, withReplies, delivery)
  return Effect.flatMap(
    Effect.promise(() => sendCommit(redis.client, keys.shard, commit, deadline)),
    (outcome) => (outcome instanceof ShardLost ? Effect.fail(outcome) : Effect.succeed(outcome))
  )
}
