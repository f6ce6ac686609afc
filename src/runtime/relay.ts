// The outbox relay of one owned shard (DESIGN §2 "Relay"): reads outbox entries after its
// cursor, groups them by target in outbox order, one append per target (never two in flight
// to one target), and raises the cursor only when every target took its part. Targets drop
// re-sent chunks by sender sequence, so messages between actors arrive once and in order.
import { Effect } from "effect"
import { ShardLost } from "./commit.js"
import { awaitReplicas } from "./replica-wait.js"
import type { OwnedShard } from "./owned-shard.js"
import { yieldToEventLoop } from "./replay.js"
import { crashIfInjected } from "./shard-loop.js"

/** Outbox entries per delivery: one entry holds a whole commit's effects, so keep pages small. */
const PAGE = 32

type Entry = [string, Array<string>]

/** Sender id of a shard's relay at its targets. */
export const relaySenderId = (shard: number) => `o${shard}`

/** Delivers one page of outbox entries; answers whether every target took its part. */
const deliver = (owned: OwnedShard, entries: ReadonlyArray<Entry>) =>
  Effect.gen(function* () {
    const byTarget = new Map<string, Array<string>>()
    for (const [id, fields] of entries) {
      for (let i = 0; i + 1 < fields.length; i += 2) {
        const target = fields[i]!
        let parts = byTarget.get(target)
        if (parts === undefined) byTarget.set(target, (parts = []))
        parts.push(id, fields[i + 1]!)
      }
    }
    const sender = relaySenderId(owned.shard)
    const results = yield* Effect.forEach(
      byTarget,
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

/** Runs the relay until the shard is lost or stopped. */
export const runRelay = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, redis, lease } = owned
    let cursor = (yield* redis.call("GET relay cursor", (r) => r.get(keys.relayCursor))) ?? "0-0"
    let failures = 0
    for (;;) {
      const entries = (yield* redis.call("XRANGE outbox", (r) => r.xrange(keys.outbox, `(${cursor}`, "+", "COUNT", PAGE))) as Array<Entry>
      if (entries.length === 0) {
        if (owned.stopping) return
        yield* owned.wake.relay.wait(1000)
        continue
      }
      // Strict mode: entries reach other shards only once replicas hold them.
      if (owned.settings.commitReplicas > 0) yield* awaitReplicas(redis, keys, owned.settings.commitReplicas, () => lease.deadline)
      const delivered = yield* deliver(owned, entries).pipe(Effect.orElseSucceed(() => false))
      if (!delivered) {
        // A full or unreachable target: send the same page again after a pause (order kept).
        failures++
        yield* Effect.sleep(Math.min(1000, 10 * 2 ** Math.min(failures, 7)))
        continue
      }
      failures = 0
      yield* crashIfInjected(owned, "before-relay-advance")
      const last = entries[entries.length - 1]![0]
      const raised = yield* redis.script("advance-relay-3", [keys.epoch, keys.relayCursor, keys.outbox], [lease.epoch, last])
      if (raised === -1) return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      cursor = last
      if (entries.length === PAGE) yield* yieldToEventLoop
    }
  })
