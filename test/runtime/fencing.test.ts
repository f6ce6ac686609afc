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

  it.scopedLive("a fenced-out node cannot move the consumer group", () =>
    Effect.gen(function* () {
      const { redis, keys, old } = yield* takeOverShard
      const reply = yield* redis.script("read-2", [keys.epoch, keys.inbox], [old.epoch, GROUP, old.consumer, 10])
      assert.deepStrictEqual(reply, [0])
      const groups = (yield* redis.call("XINFO GROUPS", (r) => r.xinfo("GROUPS", keys.inbox))) as Array<Array<unknown>>
      const group = groups[0]!
      const field = (name: string) => group[group.indexOf(name) + 1]
      assert.strictEqual(field("last-delivered-id"), "0-0")
      assert.strictEqual(field("pending"), 0)
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

  it.scopedLive("on acquisition the group is reset to the committed offset, so uncommitted reads come again", () =>
    Effect.gen(function* () {
      const redis = yield* RedisClient
      const keys = makeKeys(freshPrefix(), 4).shard(0)
      const first = yield* redis.call("XADD", (r) => r.xadd(keys.inbox, "*", "e", "[]"))
      const old = (yield* acquireLease(redis, keys, "old", 60_000))!
      const read = (yield* redis.script("read-2", [keys.epoch, keys.inbox], [old.epoch, GROUP, old.consumer, 10])) as [number, Array<[string]>]
      assert.strictEqual(read[1][0]![0], first) // read but never committed: the old node dies here
      yield* redis.call("DEL lease", (r) => r.del(keys.lease))
      const current = (yield* acquireLease(redis, keys, "new", 60_000))!
      const again = (yield* redis.script("read-2", [keys.epoch, keys.inbox], [current.epoch, GROUP, current.consumer, 10])) as [number, Array<[string]>]
      assert.strictEqual(again[1][0]![0], first)
      const consumers = (yield* redis.call("XINFO CONSUMERS", (r) => r.xinfo("CONSUMERS", keys.inbox, GROUP))) as Array<Array<unknown>>
      assert.deepStrictEqual(consumers.map((c) => c[1]), [current.consumer])
    }).pipe(Effect.provide(redisLayer))
  )
})

