// The processing loop of one owned shard: fenced read, apply in memory, group commit
// (DESIGN §2 "Reading and committing"). Waits for new entries with a plain XREAD BLOCK on a
// connection of its own, which changes no group state.
import { Effect } from "effect"
import { CommitBatch } from "./commit-batch.js"
import { commitBatch, ShardLost } from "./commit.js"
import { awaitReplicas } from "./replica-wait.js"
import { chunksOf, decodeChunk, entryTime } from "./envelope.js"
import { GROUP } from "./keys.js"
import type { OwnedShard } from "./owned-shard.js"
import { yieldToEventLoop } from "./replay.js"
import { RedisError } from "./errors.js"
import type { CrashPoint } from "./runtime-config.js"
import type { RedisLike } from "./scripts.js"
import type { ActorInstance } from "./shard-actors.js"

type Entry = [string, Array<string>]

/** Applies a batch of entries to the shard's actors, gathering the commit. */
const applyEntries = (owned: OwnedShard, entries: ReadonlyArray<Entry>): CommitBatch => {
  const batch = new CommitBatch()
  for (const [id, fields] of entries) {
    const time = entryTime(id)
    let index = 0
    for (const chunk of chunksOf(fields)) {
      const { envelopes, failures } = decodeChunk(chunk)
      for (const failure of failures) {
        batch.deadLetter({ reason: failure.reason, entryId: id, envelope: failure.raw, at: time })
      }
      for (const envelope of envelopes) owned.actors.apply(envelope, id, index++, time, batch, false)
      batch.envelopes += envelopes.length
    }
    batch.acks.push(id)
  }
  const last = entries[entries.length - 1]
  if (last !== undefined && batch.merged.size > 0) owned.actors.finishBatch(batch, last[0], entryTime(last[0]))
  return batch
}

/**
 * Adds snapshots: of actors past the snapshot cadence, or of every changed actor when the
 * inbox is due for trimming (then everything up to the offset is covered).
 */
const addSnapshots = (owned: OwnedShard, batch: CommitBatch, last: string, compact: boolean): Array<ActorInstance> => {
  const taken: Array<ActorInstance> = []
  for (const instance of owned.actors.dirty) {
    if (compact || instance.sinceSnapshot >= owned.settings.snapshotEvery) {
      owned.actors.snapshot(instance, last, batch)
      taken.push(instance)
    }
  }
  return taken
}

/**
 * Inbox entries to read next: one entry may hold hundreds of messages, so the count follows
 * the recent envelopes per entry to keep a batch near `maxBatchMessages` (a long synchronous
 * batch would delay lease renewals on the same event loop).
 */
const entriesToRead = (owned: OwnedShard) =>
  Math.max(1, Math.min(owned.settings.batchSize, Math.floor(owned.settings.maxBatchMessages / Math.max(1, owned.envelopesPerEntry))))

/** Answers askers once their messages are committed; best effort: a lost reply is an ask timeout. */
const sendReplies = (owned: OwnedShard, batch: CommitBatch) => {
  for (const [stream, records] of batch.replies) {
    owned.redis.client.xadd(stream, "NOMKSTREAM", "MAXLEN", "~", REPLY_CAP, "*", "r", `[${records.join(",")}]`).catch(() => {})
  }
}

/** Longest reply stream (approximate): an edge that stopped reading loses old replies only. */
const REPLY_CAP = 10_000

/** Fails as a crash would at `point` when a test asks for it. */
export const crashIfInjected = (owned: OwnedShard, point: CrashPoint) =>
  owned.settings.faults?.crashAt?.(point, owned.shard) ? Effect.fail(new ShardLost({ shard: owned.shard, reason: "injected-crash" })) : Effect.void

/**
 * Reads, applies and commits one batch. Answers how much it found: "full" (read again at once),
 * "partial" (the inbox was drained at read time) or "empty".
 */
export const processBatch = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, lease, redis } = owned
    if (owned.remaining() <= 0) return yield* new ShardLost({ shard: owned.shard, reason: "lease-expired" })
    const wanted = entriesToRead(owned)
    const reply = (yield* redis.script("read-2", [keys.epoch, keys.inbox], [lease.epoch, GROUP, lease.consumer, wanted])) as [number, Array<Entry> | null]
    if (reply[0] === 0) return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
    const entries = reply[1] ?? []
    if (entries.length === 0) return "empty" as const
    // Many shards' reads can complete in one socket read; without a turn of the event loop
    // between their batches, their work adds up to one long stall that starves lease renewals.
    yield* yieldToEventLoop
    const batch = applyEntries(owned, entries)
    owned.envelopesPerEntry = 0.8 * owned.envelopesPerEntry + (0.2 * batch.envelopes) / entries.length
    const last = entries[entries.length - 1]![0]
    const compact = owned.sinceTrim + batch.messages >= owned.settings.snapshotEvery * 4
    const snapshotted = addSnapshots(owned, batch, last, compact)
    yield* crashIfInjected(owned, "before-commit")
    const commit = commitBatch(redis, keys, lease.epoch, owned.version, { previous: owned.applied, last }, batch, () => lease.deadline)
    yield* commit
    if (owned.settings.faults?.resendCommit?.(owned.shard)) yield* commit
    yield* crashIfInjected(owned, "after-commit")
    if (owned.settings.commitReplicas > 0) yield* awaitReplicas(redis, keys, owned.settings.commitReplicas, () => lease.deadline)
    owned.applied = last
    owned.sinceTrim += batch.messages
    sendReplies(owned, batch)
    owned.actors.snapshotsCommitted(snapshotted, last)
    if (batch.outbox.size > 0) owned.wake.relay.signal()
    if (batch.timers.length > 0) owned.wake.timers.signal()
    if (batch.jobs.length > 0) owned.wake.jobs.signal()
    if (compact) {
      // Every changed actor was snapshotted at `last`: the inbox up to it is no longer needed.
      yield* redis.script("trim-inbox-3", [keys.epoch, keys.inbox, keys.state], [lease.epoch, last])
      owned.sinceTrim = 0
    }
    return entries.length < wanted ? ("partial" as const) : ("full" as const)
  })

/** Snapshots every changed actor at the committed offset (graceful hand-off). */
export const finalSnapshot = (owned: OwnedShard) =>
  Effect.gen(function* () {
    if (owned.actors.dirty.size === 0) return
    const batch = new CommitBatch()
    const taken = addSnapshots(owned, batch, owned.applied, true)
    const answer = yield* owned.redis.script(
      "save-snapshots-3",
      [owned.keys.epoch, owned.keys.state, owned.keys.snapshots],
      [owned.lease.epoch, owned.applied, ...batch.snapshots.flat()]
    )
    if (answer !== "OK") return yield* new ShardLost({ shard: owned.shard, reason: answer === "FENCED" ? "fenced" : "conflict" })
    owned.actors.snapshotsCommitted(taken, owned.applied)
  })

/**
 * Waits until the inbox has an entry after `after`, the shard is woken (a graceful stop), or
 * `ms` pass. One callback race rather than racing two fibers: this runs after every drained
 * batch, and forking is most of its cost.
 */
const waitForEntries = (blocking: RedisLike, owned: OwnedShard, after: string, ms: number) =>
  Effect.async<void, RedisError>((resume) => {
    let done = false
    let withdraw = () => {}
    const finish = (outcome: Effect.Effect<void, RedisError>) => {
      if (done) return
      done = true
      withdraw()
      resume(outcome)
    }
    withdraw = owned.wake.loop.onSignal(() => finish(Effect.void))
    blocking.xread("COUNT", 1, "BLOCK", Math.max(1, ms), "STREAMS", owned.keys.inbox, after).then(
      () => finish(Effect.void),
      (cause) => finish(Effect.fail(new RedisError({ operation: "XREAD BLOCK inbox", cause })))
    )
    // Interrupted (the shard stops): the blocked read ends with its connection, closed with the shard.
    return Effect.sync(() => {
      done = true
      withdraw()
    })
  })

/** Runs the loop until the shard is lost (fails) or a graceful stop (returns). */
export const runShardLoop = (owned: OwnedShard, blocking: RedisLike) =>
  Effect.gen(function* () {
    let lastSeen = owned.applied
    while (!owned.stopping) {
      const found = yield* processBatch(owned)
      if (found !== "empty") lastSeen = owned.applied
      // After a partial batch, the blocking read answers at once if more came meanwhile:
      // one round trip instead of an empty fenced read plus the wait.
      if (found === "full") continue
      const ms = Math.min(1000, owned.remaining())
      if (ms <= 0) return yield* new ShardLost({ shard: owned.shard, reason: "lease-expired" })
      // A graceful stop wakes the loop early; the blocked connection is closed with the shard.
      yield* waitForEntries(blocking, owned, lastSeen, ms)
    }
  })
