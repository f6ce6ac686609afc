// Scripts run by their hash (scripts.ts): a Redis that does not know a script yet, or has
// forgotten it (a restart, a failover, SCRIPT FLUSH), runs it from its source and knows it again.
// On a private server: SCRIPT FLUSH would make every other test's scripts take the fallback too.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Redis } from "ioredis"
import { luaScript, runLuaScript } from "../../src/runtime/scripts.js"
import { TestRedis } from "../support/redis-server.js"

const INCREMENT = luaScript(`return redis.call("INCRBY", KEYS[1], ARGV[1])`)

const connection = Effect.flatMap(TestRedis, (server) =>
  Effect.acquireRelease(Effect.sync(() => new Redis(server.url)), (redis) => Effect.sync(() => redis.disconnect()))
)

describe("Lua scripts by hash", () => {
  it.scopedLive("a script Redis does not know runs from its source, and by its hash from then on", () =>
    Effect.gen(function* () {
      const redis = yield* connection
      yield* Effect.promise(() => redis.script("FLUSH"))
      assert.deepStrictEqual(yield* Effect.promise(() => redis.script("EXISTS", INCREMENT.sha)), [0])
      assert.strictEqual(yield* Effect.promise(() => runLuaScript(redis, INCREMENT, ["n"], [2])), 2)
      assert.deepStrictEqual(yield* Effect.promise(() => redis.script("EXISTS", INCREMENT.sha)), [1])
      assert.strictEqual(yield* Effect.promise(() => runLuaScript(redis, INCREMENT, ["n"], [3])), 5)
    }).pipe(Effect.provide(TestRedis.layer))
  )

  it.scopedLive("a script Redis forgot after a first run is run once more, never twice", () =>
    Effect.gen(function* () {
      const redis = yield* connection
      assert.strictEqual(yield* Effect.promise(() => runLuaScript(redis, INCREMENT, ["m"], [1])), 1)
      yield* Effect.promise(() => redis.script("FLUSH"))
      assert.strictEqual(yield* Effect.promise(() => runLuaScript(redis, INCREMENT, ["m"], [1])), 2)
      assert.strictEqual(yield* Effect.promise(() => redis.get("m")), "2")
    }).pipe(Effect.provide(TestRedis.layer))
  )
})
