// The processing loop of one owned shard: read, apply in memory, fenced group commit
// (DESIGN §2 "Reading and committing"). Reads with plain XREAD from the committed offset;
// only the fenced commit moves the consumer group.
import { Effect } from "effect"
import { CommitBatch } from "./commit-batch.js"
import { type CommitDelivery, prepareCommit, REPLY_CAP, replyRecords, sendCommit, ShardLost } from "./commit.js"
import { awaitReplicas } from "./replica-wait.js"
import { chunksOf, decodeChunk, entryTime } from "./envelope.js"
import type { OwnedShard } from "./owned-shard.js"
import { RedisError } from "./errors.js"
import type { CrashPoint } from "./runtime-config.js"
import { runScript, type RedisLike } from "./scripts.js"
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
  }
  batch.entriesRead = entries.length
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

/** What a shard's commits write beyond its own slot; fixed for the life of the owned shard. */
interface CommitWrites {
  /** The batch's replies to their askers' streams. */
  readonly replies: boolean
  /** The batch's effects to their targets' inboxes, while the relay has caught up. */
  readonly delivery: CommitDelivery | undefined
}

/**
 * On a single Redis server the commit writes the batch's replies and delivers its effects itself
 * (a relay round less per hop), unless strict mode holds both until replicas have the commit. On
 * Redis Cluster the askers' streams and other shards' inboxes live in other slots than the
 * shard's. (The `relayPerTarget` fault keeps effects on the relay's path, whose crash points
 * tests aim at.)
 */
const commitWritesOf = (owned: OwnedShard): CommitWrites => {
  const replies = !owned.redis.cluster && owned.settings.commitReplicas === 0
  const delivery: CommitDelivery | undefined = replies && owned.settings.faults?.relayPerTarget !== true
    ? { relayCursor: owned.keys.relayCursor, inboxOf: (shard) => owned.allKeys.shard(shard).inbox, maxInboxLength: owned.settings.maxInboxLength }
    : undefined
  return { replies, delivery }
}

/** Answers askers once their messages are committed; best effort: a lost reply is an ask timeout. */
const sendReplies = (owned: OwnedShard, batch: CommitBatch) => {
  for (const stream of batch.replies.keys()) {
    owned.redis.client.xadd(stream, "NOMKSTREAM", "MAXLEN", "~", REPLY_CAP, "*", "r", replyRecords(batch, stream)).catch(() => {})
  }
}

/** True when a test asks this shard to fail as a crash would at `point`. */
const crashInjected = (owned: OwnedShard, point: CrashPoint) => owned.settings.faults?.crashAt?.(point, owned.shard) === true

/** Fails as a crash would at `point` when a test asks for it. */
export const crashIfInjected = (owned: OwnedShard, point: CrashPoint) =>
  crashInjected(owned, point) ? Effect.fail(new ShardLost({ shard: owned.shard, reason: "injected-crash" })) : Effect.void

/** Why the loop ended: a graceful stop or an interruption (`undefined`), or why the shard is lost. */
type LoopEnd = undefined | ShardLost | RedisError

/**
 * Applies and commits entries read after the committed offset. Plain promise code, as the
 * commit and the appender are: it runs once per batch, on the path of every message. `live`
 * turns false when the loop's fiber was interrupted: nothing is changed after that. Answers the
 * entries read ahead for the next batch (none: read again), or why the loop ends.
 */
const processBatch = async (owned: OwnedShard, writes: CommitWrites, entries: ReadonlyArray<Entry>, live: () => boolean): Promise<LoopEnd | ReadonlyArray<Entry>> => {
  const { keys, lease, redis } = owned
  if (owned.remaining() <= 0) return new ShardLost({ shard: owned.shard, reason: "lease-expired" })
  const batch = applyEntries(owned, entries)
  owned.envelopesPerEntry = 0.8 * owned.envelopesPerEntry + (0.2 * batch.envelopes) / entries.length
  const last = entries[entries.length - 1]![0]
  const compact = owned.sinceTrim + batch.messages >= owned.settings.snapshotEvery * 4
  const snapshotted = addSnapshots(owned, batch, last, compact)
  if (crashInjected(owned, "before-commit")) return new ShardLost({ shard: owned.shard, reason: "injected-crash" })
  const commit = prepareCommit(keys, lease.epoch, owned.version, { previous: owned.applied, last }, batch, writes.replies, writes.delivery)
  const committing = sendCommit(redis.client, owned.shard, commit, () => lease.deadline)
  // Sent right behind the commit, on the same connection: one round trip serves both.
  const next = readAhead(owned, last)
  let written = await committing
  if (!(written instanceof ShardLost) && owned.settings.faults?.resendCommit?.(owned.shard)) {
    written = await sendCommit(redis.client, owned.shard, commit, () => lease.deadline)
  }
  if (written instanceof ShardLost) return written
  if (!live()) return undefined
  if (written === null) owned.handoff.unknown()
  else if (written !== undefined) owned.handoff.committed(written)
  if (crashInjected(owned, "after-commit")) return new ShardLost({ shard: owned.shard, reason: "injected-crash" })
  if (owned.settings.commitReplicas > 0) {
    const held = await Effect.runPromise(Effect.either(awaitReplicas(redis, keys, owned.settings.commitReplicas, () => lease.deadline)))
    if (held._tag === "Left") return held.left
    if (!live()) return undefined
  }
  owned.applied = last
  owned.sinceTrim += batch.messages
  if (!writes.replies) sendReplies(owned, batch)
  owned.actors.snapshotsCommitted(snapshotted, last)
  if (written !== undefined) owned.wake.relay.signal()
  if (batch.timers.length > 0) owned.wake.timers.signal()
  if (batch.jobs.length > 0) owned.wake.jobs.signal()
  if (compact) {
    // Every changed actor was snapshotted at `last`: the inbox up to it is no longer needed.
    try {
      await runScript(redis.client, "trim-inbox-3", [keys.epoch, keys.inbox, keys.state], [lease.epoch, last])
    } catch (cause) {
      return new RedisError({ operation: "script trim-inbox-3", cause })
    }
    owned.sinceTrim = 0
  }
  return next
}

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

type XreadReply = Array<[string, Array<Entry>]> | null

/**
 * Reads the entries after `last` without blocking, on the shared connection right behind the
 * commit that moves the offset to `last`. They are the next batch only if that commit holds,
 * and the loop uses them only then: entry IDs only grow, so a read from `last` is the same
 * whether it ran before or after the commit's own deliveries landed (those are read next time).
 */
const readAhead = (owned: OwnedShard, last: string): Promise<ReadonlyArray<Entry>> =>
  (owned.redis.client.xread("COUNT", entriesToRead(owned), "STREAMS", owned.keys.inbox, last) as Promise<XreadReply>).then(
    (reply) => reply?.[0]?.[1] ?? [],
    () => [] // the blocking read on the shard's own connection tries again
  )

/**
 * Reads up to `count` entries after the committed offset on the shard's own connection,
 * waiting up to `blockMs` for the first one, or until the shard is woken (a graceful stop or an
 * expired lease: the loop then looks at why). A plain XREAD changes no group state, so a deposed
 * owner reading cannot make the new one skip anything: every read starts at the offset that
 * only a fenced commit moves (DESIGN §2 "Reading and committing").
 */
const readEntries = (connection: RedisLike, owned: OwnedShard, count: number, blockMs: number) =>
  new Promise<ReadonlyArray<Entry>>((resolve, reject) => {
    let done = false
    let withdraw = () => {}
    const finish = (entries: ReadonlyArray<Entry> | RedisError) => {
      if (done) return
      done = true
      withdraw()
      entries instanceof RedisError ? reject(entries) : resolve(entries)
    }
    withdraw = owned.wake.loop.onSignal(() => finish([]))
    ;(connection.xread("COUNT", count, "BLOCK", Math.max(1, blockMs), "STREAMS", owned.keys.inbox, owned.applied) as Promise<XreadReply>).then(
      (reply) => finish(reply?.[0]?.[1] ?? []),
      (cause) => finish(new RedisError({ operation: "XREAD inbox", cause }))
    )
  })

/** The loop itself, as plain promise code: no fiber step per batch. */
const loop = async (owned: OwnedShard, connection: RedisLike, live: () => boolean): Promise<LoopEnd> => {
  const writes = commitWritesOf(owned)
  let ahead: ReadonlyArray<Entry> = []
  while (!owned.stopping && live()) {
    const ms = Math.min(1000, owned.remaining())
    if (ms <= 0) return new ShardLost({ shard: owned.shard, reason: "lease-expired" })
    let entries = ahead
    if (entries.length === 0) {
      try {
        // Answers at once when entries are waiting, so one read serves both cases.
        entries = await readEntries(connection, owned, entriesToRead(owned), ms)
      } catch (error) {
        return error as RedisError
      }
    }
    if (entries.length === 0 || owned.stopping || !live()) continue
    const end = await processBatch(owned, writes, entries, live)
    if (!Array.isArray(end)) return end as LoopEnd
    ahead = end
  }
  return undefined
}

/**
 * Runs the loop until the shard is lost (fails) or a graceful stop (returns). Interrupted (the
 * shard is dropped), the loop changes nothing more and ends at its next step; a blocked read
 * ends with its connection, closed with the shard.
 */
export const runShardLoop = (owned: OwnedShard, connection: RedisLike): Effect.Effect<void, ShardLost | RedisError> =>
  Effect.async<void, ShardLost | RedisError>((resume) => {
    let running = true
    const live = () => running
    loop(owned, connection, live).then(
      (end) => resume(end === undefined ? Effect.void : Effect.fail(end)),
      (defect) => resume(Effect.die(defect))
    )
    return Effect.sync(() => {
      running = false
      owned.wake.loop.signal()
    })
  })
