// Delivery in the commit (commit-9.lua, single Redis server): a commit puts its effects straight
// into their targets' inboxes while the relay has nothing left to deliver and every target has
// room; otherwise they wait in the outbox for the relay, and so do later commits' until it has
// caught up, so messages between two actors keep their order. Atomic with the commit: a re-sent
// commit delivers nothing twice.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CommitBatch } from "../../src/runtime/commit-batch.js"
import { commitBatch, type CommitDelivery } from "../../src/runtime/commit.js"
import { makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

const redisLayer = RedisClient.layerUrl(sharedRedisUrl)
const EPOCH = 3

/** Shard 0 at epoch 3, and commits of batches with effects for other shards. */
const shardZero = (maxInboxLength = 0) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    const keys = makeKeys(freshPrefix(), 4)
    const from = keys.shard(0)
    yield* redis.call("SET epoch", (r) => r.set(from.epoch, String(EPOCH)))
    const delivery: CommitDelivery = { relayCursor: from.relayCursor, inboxOf: (shard) => keys.shard(shard).inbox, maxInboxLength }
    /** The commit of a batch read from `previous` to `last` that sends `{"n":n}` to each of `targets`. */
    const commit = (previous: string, last: string, n: number, targets: ReadonlyArray<number>) => {
      const batch = new CommitBatch()
      for (const target of targets) batch.toOutbox(String(target), `{"n":${n}}`)
      return commitBatch(redis, from, EPOCH, "1", { previous, last }, batch, () => Date.now() + 10_000, true, delivery)
    }
    const chunks = (key: string) =>
      redis.call("XRANGE", (r) => r.xrange(key, "-", "+")).pipe(Effect.map((entries) => entries.map(([, fields]) => fields)))
    const inbox = (shard: number) => chunks(keys.shard(shard).inbox)
    return { redis, keys, from, commit, inbox, outbox: chunks(from.outbox) }
  })

describe("delivery in the commit", () => {
  it.scopedLive("puts the effects straight into the target inboxes when the relay has caught up", () =>
    Effect.gen(function* () {
      const { commit, inbox, outbox } = yield* shardZero()
      assert.isUndefined(yield* commit("0-0", "1-1", 1, [1, 2]), "nothing written to the outbox")
      assert.deepStrictEqual(yield* inbox(1), [["e", '[{"n":1}]']])
      assert.deepStrictEqual(yield* inbox(2), [["e", '[{"n":1}]']])
      assert.deepStrictEqual(yield* outbox, [])
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a commit sent again delivers nothing twice", () =>
    Effect.gen(function* () {
      const { commit, inbox } = yield* shardZero()
      const once = commit("0-0", "1-1", 1, [1])
      yield* once
      assert.isNull(yield* once, "answered ALREADY")
      assert.deepStrictEqual(yield* inbox(1), [["e", '[{"n":1}]']])
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("leaves the effects in the outbox while the relay has entries to deliver, then delivers once it has caught up", () =>
    Effect.gen(function* () {
      const { redis, from, commit, inbox, outbox } = yield* shardZero()
      yield* redis.call("XADD", (r) => r.xadd(from.outbox, "*", "1", '[{"n":0}]'))
      const written = yield* commit("0-0", "1-1", 1, [1])
      assert.isArray(written, "the commit wrote an outbox entry")
      assert.deepStrictEqual(yield* inbox(1), [], "nothing may overtake the entry still waiting")
      assert.deepStrictEqual(yield* outbox, [["1", '[{"n":0}]'], ["1", '[{"n":1}]']])
      // The relay delivers both and raises its cursor to the last: the next commit goes straight in.
      yield* redis.call("SET cursor", (r) => r.set(from.relayCursor, written![0]))
      assert.isUndefined(yield* commit("1-1", "1-2", 2, [1]))
      assert.deepStrictEqual(yield* inbox(1), [["e", '[{"n":2}]']])
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("sends the effects through the outbox when a target is full", () =>
    Effect.gen(function* () {
      const { redis, keys, commit, inbox, outbox } = yield* shardZero(1)
      yield* redis.call("XADD", (r) => r.xadd(keys.shard(2).inbox, "*", "e", "[]"))
      assert.isArray(yield* commit("0-0", "1-1", 1, [1, 2]))
      assert.deepStrictEqual(yield* inbox(1), [], "all or nothing: the target with room waits too")
      assert.strictEqual((yield* inbox(2)).length, 1, "only what was there before")
      assert.deepStrictEqual(yield* outbox, [["1", '[{"n":1}]', "2", '[{"n":1}]']])
    }).pipe(Effect.provide(redisLayer))
  )
})
