// The counting workload of the cluster tests: increments and cross-shard forwards over a few
// hundred counter actors, with the exact count each must reach.
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type { Client } from "../../src/runtime/actor-client.js"
import { makeAddress, shardOf, type Address } from "../../src/runtime/address.js"
import { seededRandom } from "../support/seeded-random.js"
import { Counter, Forward, Get, Increment } from "../runtime/counter-actor.js"

/** A workload over `keyCount` counters whose expected counts it keeps. */
export const makeWorkload = (client: Client, keyCount: number, seed = 1) => {
  const expected = new Map<string, number>()
  const random = seededRandom(seed)
  const add = (key: string, by: number) => expected.set(key, (expected.get(key) ?? 0) + by)
  let sent = 0
  /** Sends one round: `size` increments and a forward for every fourth (through the relays). */
  const round = (size = 20) =>
    Effect.suspend(() => {
      const messages: Array<readonly [ReturnType<typeof Counter.ref>, Increment | Forward]> = []
      for (let i = 0; i < size; i++) {
        const key = `k${Math.floor(random() * keyCount)}`
        if (i % 4 === 3) {
          const target = `k${Math.floor(random() * keyCount)}`
          messages.push([Counter.ref(key), new Forward({ to: target, by: 2 })])
          add(target, 2)
        } else {
          messages.push([Counter.ref(key), new Increment({ by: 1 })])
          add(key, 1)
        }
      }
      sent += messages.length
      return client.sendAll(messages)
    })
  /** Asks every counter for its count and checks it against what was sent. */
  const verify = Effect.gen(function* () {
    const counts = yield* Effect.forEach(
      [...expected],
      ([key, count]) => Effect.map(client.ask(Counter.ref(key), new Get(), { timeout: "20 seconds" }), (reply) => [key, reply.count, count] as const),
      { concurrency: 32 }
    )
    const wrong = counts.filter(([, got, want]) => got !== want)
    assert.deepStrictEqual(wrong, [], `counters with a lost or doubled increment (of ${counts.length})`)
  })
  return { expected, round, verify, sent: () => sent }
}

/** A counter key that lives on `shard`. */
export const keyOnShard = (shard: number, shardCount: number): string => {
  for (let i = 0; ; i++) {
    const key = `probe${i}`
    if (shardOf(makeAddress("counter", key) as Address, shardCount) === shard) return key
  }
}

/** Asks one counter on each of `shards` and answers the time (ms since `since`) of the last reply. */
export const timeUntilServing = (client: Client, shards: ReadonlyArray<number>, shardCount: number, since: number) =>
  Effect.map(
    Effect.forEach(
      shards,
      (shard) =>
        Effect.map(client.ask(Counter.ref(keyOnShard(shard, shardCount)), new Get(), { timeout: "30 seconds" }), () => Date.now() - since),
      { concurrency: "unbounded" }
    ),
    (times) => Math.max(0, ...times)
  )
