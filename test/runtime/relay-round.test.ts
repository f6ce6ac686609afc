// A relay round in one call on a single Redis server (relay-round-3.lua): every target gets its
// part, parts a target already has are dropped by sender sequence, and the cursor moves past the
// page; a full target or a fenced-out relay changes nothing at all.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeKeys } from "../../src/runtime/keys.js"
import { RedisClient } from "../../src/runtime/redis.js"
import type { OutboxEntry } from "../../src/runtime/outbox-handoff.js"
import { relayInOneCall, relaySenderId } from "../../src/runtime/relay.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

const redisLayer = RedisClient.layerUrl(sharedRedisUrl)
const EPOCH = 2

/** Shard 0 at epoch 2 with a page of two outbox entries, for shards 1 and 2 and for shard 1. */
const pageForTwoTargets = Effect.gen(function* () {
  const redis = yield* RedisClient
  const keys = makeKeys(freshPrefix(), 4)
  const from = keys.shard(0)
  yield* redis.call("SET epoch", (r) => r.set(from.epoch, String(EPOCH)))
  const first = (yield* redis.call("XADD", (r) => r.xadd(from.outbox, "*", "1", '[{"n":1}]', "2", '[{"n":2}]')))!
  const second = (yield* redis.call("XADD", (r) => r.xadd(from.outbox, "*", "1", '[{"n":3}]')))!
  const page: ReadonlyArray<OutboxEntry> = [[first, ["1", '[{"n":1}]', "2", '[{"n":2}]']], [second, ["1", '[{"n":3}]']]]
  const inbox = (shard: number) =>
    redis.call("XRANGE inbox", (r) => r.xrange(keys.shard(shard).inbox, "-", "+")).pipe(Effect.map((entries) => entries.map(([, fields]) => fields)))
  const cursor = redis.call("GET cursor", (r) => r.get(from.relayCursor))
  const round = (epoch: number, maxInbox = 0) => relayInOneCall(redis, from, keys.shard, epoch, maxInbox, page)
  return { redis, keys, first, second, inbox, cursor, round }
})

describe("relay round in one call", () => {
  it.scopedLive("delivers each target its parts in outbox order and moves the cursor past the page", () =>
    Effect.gen(function* () {
      const { inbox, cursor, round, second } = yield* pageForTwoTargets
      assert.strictEqual(yield* round(EPOCH), "delivered")
      assert.deepStrictEqual(yield* inbox(1), [["e", '[{"n":1}]', "e", '[{"n":3}]']])
      assert.deepStrictEqual(yield* inbox(2), [["e", '[{"n":2}]']])
      assert.strictEqual(yield* cursor, second)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a round sent again delivers nothing twice", () =>
    Effect.gen(function* () {
      const { inbox, round } = yield* pageForTwoTargets
      yield* round(EPOCH)
      assert.strictEqual(yield* round(EPOCH), "delivered")
      assert.strictEqual((yield* inbox(1)).length, 1)
      assert.strictEqual((yield* inbox(2)).length, 1)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a full target changes nothing: no target gets its part and the cursor stays", () =>
    Effect.gen(function* () {
      const { redis, keys, inbox, cursor, round } = yield* pageForTwoTargets
      yield* redis.call("XADD", (r) => r.xadd(keys.shard(2).inbox, "*", "e", "[]"))
      assert.strictEqual(yield* round(EPOCH, 1), "retry")
      assert.deepStrictEqual(yield* inbox(1), [])
      assert.strictEqual((yield* inbox(2)).length, 1, "only what was there before")
      assert.isNull(yield* cursor)
      assert.isNull(yield* redis.call("HGET seqs", (r) => r.hget(keys.shard(1).senderSeqs, relaySenderId(0))))
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a fenced-out relay changes nothing", () =>
    Effect.gen(function* () {
      const { inbox, cursor, round } = yield* pageForTwoTargets
      assert.strictEqual(yield* round(EPOCH - 1), "fenced")
      assert.deepStrictEqual([yield* inbox(1), yield* inbox(2), yield* cursor], [[], [], null])
    }).pipe(Effect.provide(redisLayer))
  )
})
