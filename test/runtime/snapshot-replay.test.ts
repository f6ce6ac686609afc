import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import type { Tagged } from "../../src/runtime/actor.js"
import type { ActorRef } from "../../src/runtime/actor.js"
import { makeOwnedShard } from "../../src/runtime/owned-shard.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ActorRegistry } from "../../src/runtime/registry.js"
import { rebuildShard } from "../../src/runtime/replay.js"
import { RuntimeConfig } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { seededRandom } from "../support/seeded-random.js"
import { Counter, CounterLive, Get, Increment, Record } from "./counter-actor.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { testCluster, testSettings } from "./test-cluster.js"

const ACTORS = 30
const MESSAGES = 3000

describe("snapshot and replay", () => {
  it.scopedLive("snapshots plus replay of the inbox rebuild exactly the live state", () =>
    Effect.gen(function* () {
      const settings = testSettings(sharedRedisUrl, { snapshotEvery: 13 })
      const cluster = yield* Layer.build(testCluster(settings, sharedRedisUrl))
      const { client, node, redis, config } = Effect.runSync(
        Effect.all({ client: ActorClient, node: ShardNode, redis: RedisClient, config: RuntimeConfig }).pipe(Effect.provide(cluster))
      )
      const random = seededRandom(7)
      for (let sent = 0; sent < MESSAGES; ) {
        // Small random groups make many inbox entries, so snapshots and trims happen often.
        const group: Array<readonly [ActorRef<any>, Tagged]> = []
        const size = 1 + Math.floor(random() * 8)
        for (let j = 0; j < size; j++, sent++) {
          const ref = Counter.ref(`k${Math.floor(random() * ACTORS)}`)
          group.push(random() < 0.5 ? [ref, new Increment({ by: Math.floor(random() * 100) - 50 })] : [ref, new Record({ tag: `t${sent}` })])
        }
        yield* client.sendAll(group)
      }
      yield* awaitQuiescence(node.keys).pipe(Effect.provide(cluster))

      const registry = yield* Effect.provide(ActorRegistry, Layer.provideMerge(CounterLive, ActorRegistry.layer))
      let snapshots = 0
      for (let shard = 0; shard < node.keys.shardCount; shard++) {
        const keys = node.keys.shard(shard)
        snapshots += yield* redis.call("HLEN", (r) => r.hlen(keys.snapshots))
        const applied = (yield* redis.call("HGET", (r) => r.hget(keys.state, "applied"))) ?? "0-0"
        const lease = { shard, epoch: 0, value: "", applied, version: "", consumer: "", deadline: Number.MAX_SAFE_INTEGER }
        const rebuilt = makeOwnedShard(lease, node.keys, redis, config, registry)
        yield* rebuildShard(rebuilt)
        for (const [id, instance] of rebuilt.actors.instances) {
          const live = yield* client.ask(Counter.ref(id.slice("counter/".length)), new Get())
          assert.deepStrictEqual(instance.state, { count: live.count, seen: live.seen }, id)
        }
      }
      assert.isAbove(snapshots, 0, "snapshots were taken")
    })
  )
})
