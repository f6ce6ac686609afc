// Test 6: `viralfx status --json` agrees with the keys in Redis. Compared at a quiet moment
// (no hand-off in flight), since the cluster keeps moving while the command runs.
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type { ClusterStatus } from "../../src/runtime/cluster-status.js"
import { GROUP, type Keys } from "../../src/runtime/keys.js"
import type { RedisConnections } from "../../src/runtime/redis.js"
import { clusterView } from "./cluster-view.js"
import { statusJson } from "./node-processes.js"

/** Runs `viralfx status --json` and checks nodes, owners, epochs, lengths, lag and pending against Redis. */
export const checkStatusAgainstRedis = (env: Record<string, string>, redis: RedisConnections, keys: Keys) =>
  Effect.gen(function* () {
    const status = (yield* statusJson(env)) as ClusterStatus
    const { holders, live } = yield* clusterView(redis, keys, Number(env.VIRALFX_LEASE_TTL_MS))
    assert.deepStrictEqual(status.nodes.filter((n) => n.live).map((n) => n.nodeId).sort(), live, "live nodes")
    assert.strictEqual(status.shards.length, keys.shardCount)
    let deadLetters = 0
    for (const shard of status.shards) {
      const k = keys.shard(shard.shard)
      const holder = holders[shard.shard]!
      assert.strictEqual(shard.owner, holder.owner, `owner of shard ${shard.shard}`)
      assert.strictEqual(shard.epoch, holder.epoch, `epoch of shard ${shard.shard}`)
      const [length, groups, dead] = yield* redis.call("status probe", async (r) => [
        await r.xlen(k.inbox),
        (await r.xinfo("GROUPS", k.inbox)) as Array<Array<unknown>>,
        await r.xlen(k.deadLetters)
      ] as const)
      const group = groups.find((g) => g[g.indexOf("name") + 1] === GROUP)!
      assert.strictEqual(shard.inboxLength, length, `inbox length of shard ${shard.shard}`)
      assert.strictEqual(shard.pending, Number(group[group.indexOf("pending") + 1]), `pending of shard ${shard.shard}`)
      assert.strictEqual(shard.lag, group[group.indexOf("lag") + 1] as number, `lag of shard ${shard.shard}`)
      assert.strictEqual(shard.deadLetters, dead)
      deadLetters += dead
    }
    assert.strictEqual(status.deadLetters, deadLetters)
    for (const node of status.nodes) {
      assert.strictEqual(node.shards, holders.filter((h) => h.owner === node.nodeId).length, `shards of ${node.nodeId}`)
    }
    return status
  })
