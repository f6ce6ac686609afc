// Strict replication (DESIGN §2 "With replicas", VIRALFX_COMMIT_REPLICAS): a commit is exposed
// (replies, relay to other shards) only once a replica holds it, so a Redis failover cannot
// take back what somebody was already told. A real replica, paused with SIGSTOP.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Redis } from "ioredis"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { shardOf } from "../../src/runtime/address.js"
import { EmbeddedRedis } from "../../src/runtime/embedded-redis.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { eventually } from "../support/eventually.js"
import { TestRedis } from "../support/redis-server.js"
import { Counter, Forward, Get, Increment } from "./counter-actor.js"
import { testCluster, testSettings } from "./test-cluster.js"

/** A second redis-server replicating the test's master, connected and in sync. */
const replicaOf = (masterPort: number) =>
  Effect.gen(function* () {
    const replica = yield* EmbeddedRedis.start({ dataDir: mkdtempSync(join(tmpdir(), "vfx-replica-")) })
    const connection = yield* Effect.acquireRelease(
      Effect.sync(() => new Redis(replica.url)),
      (r) => Effect.sync(() => r.disconnect())
    )
    yield* Effect.promise(() => connection.replicaof("127.0.0.1", masterPort))
    yield* eventually(
      Effect.promise(() => connection.info("replication")),
      (info) => info.includes("master_link_status:up"),
      "the replica to sync"
    )
    return { ...replica, connection }
  })

type Replica = Effect.Effect.Success<ReturnType<typeof replicaOf>>

/** Runs `body` on a node and client in strict mode (one replica), on a master with a synced replica. */
const withStrictCluster = <A, E>(body: (replica: Replica) => Effect.Effect<A, E, ActorClient | RedisClient>) =>
  Effect.gen(function* () {
    const master = yield* TestRedis
    const replica = yield* replicaOf(master.port)
    return yield* Effect.gen(function* () {
      yield* (yield* ShardNode).awaitOwnership()
      return yield* body(replica)
    }).pipe(Effect.provide(testCluster(testSettings(master.url, { commitReplicas: 1 }), master.url)))
  }).pipe(Effect.provide(TestRedis.layer))

/** The keys of the shard that `key`'s counter lives on. */
const shardOfCounter = (key: string) =>
  Effect.map(ActorClient, (client) => client.keys.shard(shardOf({ kind: "counter", key }, client.keys.shardCount)))

/** The committed offset of `key`'s shard on the master and on the replica. */
const appliedOf = (key: string, replica: Redis) =>
  Effect.gen(function* () {
    const shard = yield* shardOfCounter(key)
    const onMaster = yield* (yield* RedisClient).call("HGET applied", (r) => r.hget(shard.state, "applied"))
    const onReplica = yield* Effect.promise(() => replica.hget(shard.state, "applied"))
    return { onMaster, onReplica }
  })

describe("strict replication", () => {
  it.scopedLive("a reply means the replica already holds the commit that produced it", () =>
    withStrictCluster((replica) =>
      Effect.gen(function* () {
        const client = yield* ActorClient
        for (let i = 0; i < 20; i++) {
          yield* client.send(Counter.ref("a"), new Increment({ by: 1 }))
          assert.strictEqual((yield* client.ask(Counter.ref("a"), new Get())).count, i + 1)
          // Read from the replica straight after the reply: the commit is there already.
          const { onMaster, onReplica } = yield* appliedOf("a", replica.connection)
          assert.strictEqual(onReplica, onMaster)
        }
      })
    ),
    { timeout: 60_000 }
  )

  it.scopedLive("while no replica acknowledges, nothing reaches other shards; once it does, everything arrives once", () =>
    withStrictCluster((replica) =>
      Effect.gen(function* () {
        const client = yield* ActorClient
        const target = yield* shardOfCounter("to")
        process.kill(replica.pid, "SIGSTOP")
        const sending = yield* Effect.fork(client.send(Counter.ref("from"), new Forward({ to: "to", by: 5 })))
        // The forward is applied on the master, but held: its target's inbox stays empty.
        yield* Effect.sleep("1500 millis")
        const held = yield* (yield* RedisClient).call("XLEN", (r) => r.xlen(target.inbox))
        assert.strictEqual(held, 0, "nothing relayed while the replica is paused")
        process.kill(replica.pid, "SIGCONT")
        yield* Fiber.join(sending)
        // Generous: the replica resyncs first, and every shard's held work goes out behind it.
        const reached = yield* eventually(client.ask(Counter.ref("to"), new Get(), { timeout: "20 seconds" }), (r) => r.count > 0, "the forward to arrive", 60_000)
        assert.strictEqual(reached.count, 5)
      })
    ),
    { timeout: 60_000 }
  )
})
