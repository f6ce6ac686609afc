import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CommitBatch } from "../../src/runtime/commit-batch.js"
import { commitBatch } from "../../src/runtime/commit.js"
import { GROUP, makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { acquireLease } from "../../src/runtime/shard-lease.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

const redisLayer = RedisClient.layerUrl(sharedRedisUrl)

/** Two nodes take shard 0 in turn: the second only after the first's lease is gone. */
const takeOverShard = Effect.gen(function* () {
  const redis = yield* RedisClient
  const keys = makeKeys(freshPrefix(), 4).shard(0)
  yield* redis.call("XADD", (r) => r.xadd(keys.inbox, "*", "e", "[]"))
  const old = (yield* acquireLease(redis, keys, "old", 60_000))!
  yield* redis.call("DEL lease", (r) => r.del(keys.lease)) // the old node's lease expired
  const current = (yield* acquireLease(redis, keys, "new", 60_000))!
  return { redis, keys, old, current }
})

/** A field of the inbox's consumer group as XINFO GROUPS shows it to operators. */
const groupInfo = (inbox: string) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    const groups = (yield* redis.call("XINFO GROUPS", (r) => r.xinfo("GROUPS", inbox))) as Array<Array<unknown>>
    const group = groups.find((g) => g[g.indexOf("name") + 1] === GROUP)!
    return (name: string) => group[group.indexOf(name) + 1]
  })

describe("fencing", () => {
  it.scopedLive("every acquisition raises the epoch", () =>
    Effect.gen(function* () {
      const { old, current } = yield* takeOverShard
      assert.strictEqual(current.epoch, old.epoch + 1)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a lease held by another node cannot be taken", () =>
    Effect.gen(function* () {
      const { redis, keys } = yield* takeOverShard
      assert.isUndefined(yield* acquireLease(redis, keys, "third", 60_000))
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a commit carrying a stale epoch is rejected and changes nothing", () =>
    Effect.gen(function* () {
      const { redis, keys, old } = yield* takeOverShard
      const batch = new CommitBatch()
      batch.toOutbox("1", JSON.stringify({ i: "m", k: "counter", a: "x", b: {} }))
      const exit = yield* Effect.flip(commitBatch(redis, keys, old.epoch, "v", { previous: "0-0", last: "1-0" }, batch, () => Date.now() + 60_000))
      assert.deepInclude(exit, { _tag: "ShardLost", reason: "fenced" })
      assert.isNull(yield* redis.call("HGET", (r) => r.hget(keys.state, "applied")))
      assert.strictEqual(yield* redis.call("XLEN", (r) => r.xlen(keys.outbox)), 0)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a fenced-out node's commit does not move the consumer group", () =>
    Effect.gen(function* () {
      const { redis, keys, old } = yield* takeOverShard
      const [[first]] = yield* redis.call("XRANGE", (r) => r.xrange(keys.inbox, "-", "+"))
      const batch = new CommitBatch()
      batch.entriesRead = 1
      yield* Effect.flip(commitBatch(redis, keys, old.epoch, "v", { previous: "0-0", last: first! }, batch, () => Date.now() + 60_000))
      const group = yield* groupInfo(keys.inbox)
      assert.strictEqual(group("last-delivered-id"), "0-0")
      assert.strictEqual(group("lag"), 1)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a commit moves the consumer group to its last entry, so XINFO GROUPS shows the lag left", () =>
    Effect.gen(function* () {
      const { redis, keys, current } = yield* takeOverShard
      const second = yield* redis.call("XADD", (r) => r.xadd(keys.inbox, "*", "e", "[]"))
      yield* redis.call("XADD", (r) => r.xadd(keys.inbox, "*", "e", "[]"))
      const batch = new CommitBatch()
      batch.entriesRead = 2
      yield* commitBatch(redis, keys, current.epoch, "v", { previous: "0-0", last: second! }, batch, () => Date.now() + 60_000)
      const group = yield* groupInfo(keys.inbox)
      assert.strictEqual(group("last-delivered-id"), second)
      assert.strictEqual(group("entries-read"), 2)
      assert.strictEqual(group("lag"), 1)
      assert.strictEqual(group("pending"), 0)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a commit re-sent after it landed answers ALREADY and applies once", () =>
    Effect.gen(function* () {
      const { redis, keys, current } = yield* takeOverShard
      const batch = new CommitBatch()
      batch.toOutbox("1", JSON.stringify({ i: "m", k: "counter", a: "x", b: {} }))
      const range = { previous: "0-0", last: "1-0" }
      yield* commitBatch(redis, keys, current.epoch, "v", range, batch, () => Date.now() + 60_000)
      yield* commitBatch(redis, keys, current.epoch, "v", range, batch, () => Date.now() + 60_000)
      assert.strictEqual(yield* redis.call("XLEN", (r) => r.xlen(keys.outbox)), 1)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("on acquisition the group is reset to the committed offset, and reads start there again", () =>
    Effect.gen(function* () {
      const redis = yield* RedisClient
      const keys = makeKeys(freshPrefix(), 4).shard(0)
      const first = yield* redis.call("XADD", (r) => r.xadd(keys.inbox, "*", "e", "[]"))
      const old = (yield* acquireLease(redis, keys, "old", 60_000))!
      // The old node reads the entry and dies before committing it: reading moved nothing.
      yield* redis.call("XREAD", (r) => r.xread("COUNT", 10, "STREAMS", keys.inbox, old.applied))
      yield* redis.call("DEL lease", (r) => r.del(keys.lease))
      const current = (yield* acquireLease(redis, keys, "new", 60_000))!
      assert.strictEqual(current.applied, "0-0")
      const again = yield* redis.call("XREAD", (r) => r.xread("COUNT", 10, "STREAMS", keys.inbox, current.applied))
      assert.strictEqual(again?.[0]?.[1][0]?.[0], first)
      assert.strictEqual((yield* groupInfo(keys.inbox))("last-delivered-id"), "0-0")
      const consumers = (yield* redis.call("XINFO CONSUMERS", (r) => r.xinfo("CONSUMERS", keys.inbox, GROUP))) as Array<Array<unknown>>
      assert.deepStrictEqual(consumers.map((c) => c[1]), [current.consumer])
    }).pipe(Effect.provide(redisLayer))
  )
})

