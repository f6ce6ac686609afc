import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import type { CrashPoint, FaultHooks } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { seededRandom } from "../support/seeded-random.js"
import { Counter, Forward, Get, Increment } from "./counter-actor.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { testCluster, testSettings } from "./test-cluster.js"

const MESSAGES = 400
const SOURCES = 20
const TARGETS = 7

/** Crashes at `point` with the given probability, at most `limit` times (seeded). */
const crashSometimes = (point: CrashPoint, seed: number, probability = 0.08, limit = 3) => {
  const random = seededRandom(seed)
  const injected = { count: 0 }
  const faults: FaultHooks = {
    // Only the per-target relay (a cluster's) has a moment between delivery and advance.
    relayPerTarget: point === "before-relay-advance",
    crashAt: (at) => {
      if (at !== point || injected.count >= limit || random() >= probability) return false
      injected.count++
      return true
    }
  }
  return { faults, injected }
}

/**
 * Increments `src-*` counters directly and `dst-*` counters through forwards (an effect that
 * crosses shards), then checks every count is exact once the cluster is idle.
 */
const countingWorkload = (faults: FaultHooks, injected: { readonly count: number }) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const node = yield* ShardNode
    const expected = new Map<string, number>()
    const bump = (key: string) => expected.set(key, (expected.get(key) ?? 0) + 1)
    for (let i = 0; i < MESSAGES; i += 20) {
      const messages = []
      for (let j = i; j < i + 20; j++) {
        const source = `src-${j % SOURCES}`
        messages.push([Counter.ref(source), new Increment({ by: 1 })] as const)
        messages.push([Counter.ref(source), new Forward({ to: `dst-${j % TARGETS}`, by: 1 })] as const)
        bump(source)
        bump(`dst-${j % TARGETS}`)
      }
      yield* client.sendAll(messages)
    }
    yield* awaitQuiescence(node.keys, 60_000)
    for (const [key, count] of expected) {
      const reply = yield* client.ask(Counter.ref(key), new Get(), { timeout: "10 seconds" })
      assert.strictEqual(reply.count, count, key)
    }
    assert.isAbove(injected.count, 0, "the fault was injected")
  }).pipe(Effect.provide(testCluster(testSettings(sharedRedisUrl, { leaseTtlMs: 1500, snapshotEvery: 25, faults }), sharedRedisUrl)))

describe("effectively once", () => {
  it.scopedLive("crashes between apply and commit neither lose nor double a message", () =>
    Effect.suspend(() => {
      const { faults, injected } = crashSometimes("before-commit", 1)
      return countingWorkload(faults, injected)
    }))

  it.scopedLive("crashes between commit and relay neither lose nor double a message", () =>
    Effect.suspend(() => {
      const { faults, injected } = crashSometimes("after-commit", 2)
      return countingWorkload(faults, injected)
    }))

  it.scopedLive("a relay that re-sends a delivered batch doubles nothing", () =>
    Effect.suspend(() => {
      const { faults, injected } = crashSometimes("before-relay-advance", 3)
      return countingWorkload(faults, injected)
    }))

  it.scopedLive("a commit sent twice applies once", () => {
    const random = seededRandom(4)
    const injected = { count: 0 }
    return countingWorkload({ resendCommit: () => random() < 0.3 && ++injected.count > 0 }, injected)
  })
})
