// The outbox relay of one owned shard (DESIGN §2 "Relay"): reads outbox entries after its
// cursor, groups them by target in outbox order, one append per target (never two in flight
// to one target), and raises the cursor only when every target took its part. Targets drop
// re-sent chunks by sender sequence, so messages between actors arrive once and in order.
// On a single Redis server every target's keys are on that server, so a round is one call
// (relay-round-3.lua: all appends and the advance, all or nothing); on a Redis Cluster each
// target is its own append-2 call on its slot, then advance-relay-3.
import { Effect } from "effect"
import { ShardLost } from "./commit.js"
import type { RedisError } from "./errors.js"
import type { ShardKeys } from "./keys.js"
import type { OutboxEntry } from "./outbox-handoff.js"
import type { RedisConnections } from "./redis.js"
import { awaitReplicas } from "./replica-wait.js"
import type { OwnedShard } from "./owned-shard.js"
import { yieldToEventLoop } from "./replay.js"
import { crashIfInjected } from "./shard-loop.js"

/** Outbox entries per delivery: one entry holds a whole commit's effects, so keep pages small. */
const PAGE = 32

/** Sender id of a shard's relay at its targets. */
export const relaySenderId = (shard: number) => `o${shard}`

/** A page's parts by target shard, in outbox order: (outbox entry ID = sequence, chunk) pairs. */
const partsByTarget = (entries: ReadonlyArray<OutboxEntry>): Map<string, Array<string>> => {
  const byTarget = new Map<string, Array<string>>()
  for (const [id, fields] of entries) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const target = fields[i]!
      let parts = byTarget.get(target)
      if (parts === undefined) byTarget.set(target, (parts = []))
      parts.push(id, fields[i + 1]!)
    }
  }
  return byTarget
}

/** How a relay round ended. */
export type RoundOutcome = "delivered" | "retry" | "fenced"

/**
 * Delivers a page of shard `from`'s outbox and raises its relay cursor past it, in one call
 * (single server: every target's keys are on it). All or nothing: a full target or a lost
 * epoch changes nothing.
 */
export const relayInOneCall = (
  redis: RedisConnections,
  from: ShardKeys,
  shardKeys: (shard: number) => ShardKeys,
  epoch: number,
  maxInboxLength: number,
  entries: ReadonlyArray<OutboxEntry>
): Effect.Effect<RoundOutcome, RedisError> =>
  Effect.suspend(() => {
    const redisKeys = [from.epoch, from.relayCursor, from.outbox]
    const args: Array<string | number> = [epoch, entries[entries.length - 1]![0], relaySenderId(from.shard), maxInboxLength]
    for (const [target, parts] of partsByTarget(entries)) {
      const keys = shardKeys(Number(target))
      redisKeys.push(keys.inbox, keys.senderSeqs)
      args.push(parts.length / 2, ...parts)
    }
    return Effect.map(redis.script("relay-round-3", redisKeys, args), (answer) =>
      answer === "FULL" ? "retry" : Number(answer) === -1 ? "fenced" : "delivered"
    )
  })

/** Delivers one page of outbox entries, an append per target; answers whether every target took its part. */
const deliver = (owned: OwnedShard, entries: ReadonlyArray<OutboxEntry>) =>
  Effect.gen(function* () {
    const sender = relaySenderId(owned.shard)
    const results = yield* Effect.forEach(
      partsByTarget(entries),
      ([target, parts]) => {
        const keys = owned.allKeys.shard(Number(target))
        return owned.redis
          .script("append-2", [keys.inbox, keys.senderSeqs], [sender, owned.settings.maxInboxLength, ...parts])
          .pipe(Effect.map((answer) => answer !== "FULL"))
      },
      { concurrency: "unbounded" }
    )
    return results.every(Boolean)
  })

/** Delivers a page, an append per target (a cluster's slots), then raises the cursor. */
const deliverThenAdvance = (owned: OwnedShard, entries: ReadonlyArray<OutboxEntry>, last: string) =>
  Effect.gen(function* () {
    if (!(yield* deliver(owned, entries).pipe(Effect.orElseSucceed(() => false)))) return "retry" as const
    yield* crashIfInjected(owned, "before-relay-advance")
    const raised = yield* owned.redis.script("advance-relay-3", [owned.keys.epoch, owned.keys.relayCursor, owned.keys.outbox], [owned.lease.epoch, last])
    return raised === -1 ? ("fenced" as const) : ("delivered" as const)
  })

/** Runs the relay until the shard is lost or stopped. */
export const runRelay = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, redis, lease } = owned
    let cursor = (yield* redis.call("GET relay cursor", (r) => r.get(keys.relayCursor))) ?? "0-0"
    let failures = 0
    const inOneCall = !redis.cluster && owned.settings.faults?.relayPerTarget !== true
    for (;;) {
      // What this owner just committed comes from memory; anything else is read back.
      const handed = owned.handoff.after(cursor, PAGE)
      const entries = handed.length > 0 || owned.handoff.drainedTo(cursor)
        ? handed
        : ((yield* redis.call("XRANGE outbox", (r) => r.xrange(keys.outbox, `(${cursor}`, "+", "COUNT", PAGE))) as Array<OutboxEntry>)
      if (entries.length === 0) {
        if (owned.stopping) return
        yield* owned.wake.relay.wait(1000)
        continue
      }
      // Strict mode: entries reach other shards only once replicas hold them.
      if (owned.settings.commitReplicas > 0) yield* awaitReplicas(redis, keys, owned.settings.commitReplicas, () => lease.deadline)
      const last = entries[entries.length - 1]![0]
      const round = inOneCall
        ? relayInOneCall(redis, keys, (shard) => owned.allKeys.shard(shard), lease.epoch, owned.settings.maxInboxLength, entries)
        : deliverThenAdvance(owned, entries, last)
      const outcome = yield* round.pipe(
        Effect.catchTag("RedisError", () => Effect.succeed("retry" as const))
      )
      if (outcome === "fenced") return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      if (outcome === "retry") {
        // A full or unreachable target: the same page again after a pause (order kept; parts a
        // target already took are dropped by sequence).
        failures++
        yield* Effect.sleep(Math.min(1000, 10 * 2 ** Math.min(failures, 7)))
        continue
      }
      failures = 0
      cursor = last
      if (entries.length === PAGE) yield* yieldToEventLoop
    }
  })
