// Write coalescing on a single server's connections (redis.ts): the commands given in one turn of
// the event loop leave in one write, in order, and nothing waits for a later turn to be sent.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Redis } from "ioredis"
import type { Socket } from "node:net"
import { RedisClient } from "../../src/runtime/redis.js"
import { freshPrefix, sharedRedisUrl } from "../support/redis-server.js"

const redisLayer = RedisClient.layerUrl(sharedRedisUrl)

/** The shared connection's socket, with a count of the writes it hands to the kernel. */
const countedSocket = Effect.gen(function* () {
  const redis = (yield* RedisClient).client as Redis
  const socket = redis.stream as Socket & { _write: Function; _writev: Function }
  const counts = { writes: 0 }
  const write = socket._write.bind(socket)
  const writev = socket._writev.bind(socket)
  socket._write = (...args: Array<unknown>) => ((counts.writes++), write(...args))
  socket._writev = (...args: Array<unknown>) => ((counts.writes++), writev(...args))
  return { redis, socket, counts }
})

describe("write coalescing", () => {
  it.scopedLive("commands given in one turn leave in one write and are answered in order", () =>
    Effect.gen(function* () {
      const { redis, counts } = yield* countedSocket
      const key = `${freshPrefix()}:counter`
      const answers = yield* Effect.promise(() => Promise.all(Array.from({ length: 50 }, () => redis.incr(key))))
      assert.deepStrictEqual(answers, Array.from({ length: 50 }, (_, i) => i + 1))
      assert.strictEqual(counts.writes, 1)
    }).pipe(Effect.provide(redisLayer))
  )

  it.scopedLive("a command given in a promise continuation is sent in that same turn", () =>
    Effect.gen(function* () {
      const { redis, socket } = yield* countedSocket
      const key = `${freshPrefix()}:chain`
      // Each command is given after the previous answer, from a continuation: a write left
      // corked past its turn would never be answered.
      const last = yield* Effect.promise(async () => {
        let n = 0
        for (let i = 0; i < 20; i++) n = await redis.incr(key)
        return n
      })
      assert.strictEqual(last, 20)
      assert.strictEqual(socket.writableCorked, 0)
    }).pipe(Effect.provide(redisLayer))
  )
})
