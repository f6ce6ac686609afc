import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { GetOrders, Wallet } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import type { CrashPoint, FaultHooks } from "../../src/runtime/runtime-config.js"
import { seededRandom } from "../support/seeded-random.js"
import { checkWalletsAgreeWithBooks, openMarkets, TRADERS, windDownAndCheck } from "./scenario.js"
import { askAgain, settle, tradingCluster } from "./trading-cluster.js"
import { workload } from "./workload.js"

/** Lists two markets, runs the seeded workload, winds down and checks the global identity. */
const scenario = (seed: number) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const market = yield* openMarkets
    for (const batch of workload(seed, TRADERS, market.symbols, 40, 40, Date.now)) yield* client.sendAll(batch())
    yield* settle
    yield* checkWalletsAgreeWithBooks(market)
    // The workload reaches most outcomes: fills, IOC remainders, FOK and post-only refusals, GTD expiry, STP, stops.
    const outcomes = new Set<string>()
    for (const owner of TRADERS) for (const o of yield* askAgain(Wallet.ref(owner), new GetOrders({}))) outcomes.add(`${o.status}/${o.reason}`)
    assert.isAtLeast(outcomes.size, 9, [...outcomes].join(" "))
    assert.isAbove(yield* windDownAndCheck(market), 20)
  })

/** The scenario on a node whose shards crash at `point` now and then (seeded); checks they did. */
const crashing = (point: CrashPoint, seed: number) =>
  Effect.suspend(() => {
    const random = seededRandom(seed)
    const injected = { count: 0 }
    const faults: FaultHooks = { crashAt: (at) => at === point && injected.count < 8 && random() < 0.05 && ++injected.count > 0 }
    return scenario(seed).pipe(
      Effect.tap(() => assert.isAbove(injected.count, 0, "crashes were injected")),
      Effect.provide(tradingCluster({ leaseTtlMs: 600, snapshotEvery: 7, faults }))
    )
  })

describe("conservation", () => {
  it.scopedLive("after a seeded random workload, wallets plus fee accounts hold exactly the deposits and the issued supply", () =>
    scenario(7).pipe(Effect.provide(tradingCluster())), { timeout: 120_000 })

  it.scopedLive("the identity holds when shards crash before their commits and rebuild from snapshot and replay", () =>
    crashing("before-commit", 8), { timeout: 120_000 })

  it.scopedLive("the identity holds when shards crash after their commits, before relaying", () =>
    crashing("after-commit", 9), { timeout: 120_000 })
})
